"""Verifying the audit trail, and the checkpoints (anchors) of its head kept outside the database.

The keyed chain (:mod:`liaison.core.audit`) makes every row, its position and its link unforgeable without the
HMAC key. What a chain cannot show on its own is that rows are missing from its end — up to and including all of
them. That is what anchors are for: ``liaison audit anchor`` appends the current head (sequence number and entry
hash), HMAC'd under the same key, as one JSON line to ``AUDIT_ANCHOR_PATH`` (a file on another disk or host) and,
if asked, to syslog. :func:`verify_chain` checks the trail against every anchor line it is given: an anchored
entry that is missing or different means truncation, deletion, renumbering or replacement of history.
"""

from __future__ import annotations

import fcntl
import hmac
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core import audit
from liaison.core.models import AuditEntry

ANCHOR_DOMAIN = b"liaison-audit-anchor-v1"
ANCHOR_FIELDS = ("time", "sequence", "head", "key_id")


@dataclass(frozen=True)
class ChainProblem:
    sequence: int  # 0 for problems of the trail as a whole (e.g. its end) or of an anchor line
    problem: str


@dataclass(frozen=True)
class Anchor:
    time: str
    sequence: int
    head: str
    key_id: str
    mac: str

    def as_line(self) -> str:
        return json.dumps({**self.payload(), "mac": self.mac}, sort_keys=True) + "\n"

    def payload(self) -> dict[str, Any]:
        return {"time": self.time, "sequence": self.sequence, "head": self.head, "key_id": self.key_id}


@dataclass
class VerifyResult:
    checked: int = 0
    head: str = audit.GENESIS
    last_sequence: int = 0
    problems: list[ChainProblem] = field(default_factory=list)
    anchors: int = 0
    last_anchor: Anchor | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def unanchored(self) -> int:
        """Entries after the last anchor: protected by the HMAC, but their removal from the end is not detectable."""
        return self.last_sequence - (self.last_anchor.sequence if self.last_anchor else 0)


def _iter_entries(batch: int = 2000) -> Iterator[AuditEntry]:
    last = -(2**62)  # an attacker may renumber rows below 1; they must still be seen
    while True:
        chunk = list(
            AuditEntry.objects.filter(sequence__gt=last).select_related("personal_part").order_by("sequence")[:batch]
        )
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].sequence


def _entry_problems(entry: AuditEntry, expected: int, prev: str) -> list[str]:
    problems = []
    if entry.sequence != expected:
        message = _("sequence out of order: expected #%(seq)s here (entries missing, moved or renumbered)")
        problems.append(message % {"seq": expected})
    if entry.prev_hash != prev:
        problems.append(_("link broken: an entry before it was deleted, moved or replaced"))
    computed = audit.compute_hash(entry)
    if computed is None:
        problems.append(
            _("written under key %(key)s, which is not configured (AUDIT_HMAC_OLD_KEYS)") % {"key": entry.key_id}
        )
    elif not hmac.compare_digest(computed, entry.entry_hash):
        problems.append(_("content changed after it was written (HMAC does not match)"))
    part = entry.personal_part_or_none()
    if part is not None and audit.part_digest(part) != entry.personal_digest:
        problems.append(_("personal part (actor, object label or personal data) changed or moved"))
    return problems


def verify_chain(anchors: Iterable[Anchor] = ()) -> VerifyResult:
    """Recompute every HMAC, link and personal digest, and compare the trail with the given anchors."""
    by_sequence: dict[int, list[Anchor]] = {}
    result = VerifyResult()
    for anchor in anchors:
        by_sequence.setdefault(anchor.sequence, []).append(anchor)
        result.anchors += 1
        if result.last_anchor is None or anchor.sequence >= result.last_anchor.sequence:
            result.last_anchor = anchor
    erased: set[int] = set()
    missing_parts: list[int] = []
    for entry in _iter_entries():
        result.checked += 1
        problems = _entry_problems(entry, result.last_sequence + 1, result.head)
        for anchor in by_sequence.pop(entry.sequence, []):
            if anchor.head != entry.entry_hash:
                problems.append(_("differs from the anchor of %(time)s (history replaced)") % {"time": anchor.time})
        result.problems += [ChainProblem(entry.sequence, p) for p in problems]
        if entry.personal_part_or_none() is None:
            missing_parts.append(entry.sequence)
        if not problems and isinstance(entry.after, dict) and isinstance(entry.after.get(audit.ERASED_ENTRIES), list):
            erased.update(entry.after[audit.ERASED_ENTRIES])
        result.head, result.last_sequence = entry.entry_hash, entry.sequence
    for sequence in missing_parts:
        if sequence not in erased:
            result.problems.append(ChainProblem(sequence, _("personal part deleted without a recorded erasure")))
    for sequence, lost in sorted(by_sequence.items()):
        if sequence > 0:
            message = _("anchored on %(time)s but missing (entries deleted or truncated)")
            result.problems.append(ChainProblem(sequence, message % {"time": lost[0].time}))
    return result


# --- anchors -----------------------------------------------------------------------------------------------------


def make_anchor(sequence: int, head: str) -> Anchor:
    unsigned = Anchor(
        time=timezone.now().isoformat(timespec="seconds"),
        sequence=sequence,
        head=head,
        key_id=audit.current_key_id(),
        mac="",
    )
    return replace(unsigned, mac=audit.mac(unsigned.key_id, ANCHOR_DOMAIN, unsigned.payload()) or "")


def read_anchors(path: Path) -> tuple[list[Anchor], list[ChainProblem]]:
    """Every genuine anchor line of a file, and a problem for each line that is not (bad MAC, unknown key)."""
    anchors: list[Anchor] = []
    problems: list[ChainProblem] = []
    if not path.exists():
        return anchors, problems
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                anchor = Anchor(**{name: data[name] for name in (*ANCHOR_FIELDS, "mac")})
                genuine = audit.mac(anchor.key_id, ANCHOR_DOMAIN, anchor.payload())
            except (ValueError, KeyError, TypeError):
                genuine = None
            if genuine is None or not hmac.compare_digest(genuine, str(data.get("mac", ""))):
                message = _("%(path)s, line %(line)s: anchor line is not genuine (MAC or key unknown)")
                problems.append(ChainProblem(0, message % {"path": path, "line": number}))
                continue
            anchors.append(anchor)
    return anchors, problems


def verify_against(paths: Iterable[Path]) -> VerifyResult:
    """Verify the trail against every anchor file given; anchor lines that are not genuine are problems too."""
    anchors: list[Anchor] = []
    bad_lines: list[ChainProblem] = []
    for path in paths:
        found, problems = read_anchors(path)
        anchors += found
        bad_lines += problems
    result = verify_chain(anchors)
    result.problems = bad_lines + result.problems
    return result


def chain_head() -> tuple[int, str]:
    last = AuditEntry.objects.order_by("-sequence").only("sequence", "entry_hash").first()
    return (last.sequence, last.entry_hash) if last else (0, audit.GENESIS)


def write_anchor(path: Path, *, to_syslog: bool = False) -> tuple[Anchor, bool]:
    """Append the current head to the anchor file unless its last line already records it (idempotent, so a
    timer may run it as often as it likes). The file is locked while it is read and appended. Returns the anchor
    and whether a line was written. The trail is verified first: anchoring a broken trail would bless it."""
    result = verify_against([path])
    if not result.ok:
        raise AnchorRefused(result)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        lines = [line for line in handle.read().splitlines() if line.strip()]
        sequence, head = chain_head()
        if lines:
            last = json.loads(lines[-1])
            if (last.get("sequence"), last.get("head")) == (sequence, head):
                return Anchor(**{name: last[name] for name in (*ANCHOR_FIELDS, "mac")}), False
        anchor = make_anchor(sequence, head)
        handle.write(anchor.as_line())
        handle.flush()
    if to_syslog:
        import syslog

        syslog.openlog("liaison-audit", 0, syslog.LOG_AUTH)
        syslog.syslog(syslog.LOG_NOTICE, "anchor " + anchor.as_line().strip())
    return anchor, True


class AnchorRefused(Exception):
    """The trail failed verification; no anchor was written."""

    def __init__(self, result: VerifyResult) -> None:
        super().__init__(f"{len(result.problems)} problem(s)")
        self.result = result


def default_anchor_path() -> Path:
    return Path(settings.AUDIT_ANCHOR_PATH)
