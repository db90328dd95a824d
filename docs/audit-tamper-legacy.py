"""The 19 tamper classes of tests/core/test_audit_tamper.py against the audit trail as it was before the keyed
chain (commit c33a1ab): the same attacks adapted to the old schema (labels and personal data were columns of
core_auditentry, hashes plain SHA-256 that anyone may recompute, no anchors). Prints which of them the old
`verify_chain` detected — the "old verify" column of docs/audit-tamper.md. Run it with the OLD code:

    git -C /work/main worktree add /tmp/liaison-old c33a1ab && cd /tmp/liaison-old && make install
    LIAISON_VAR_DIR=$(mktemp -d) .venv/bin/python /path/to/docs/audit-tamper-legacy.py          # SQLite
    DATABASE_URL=postgres://…/scratch .venv/bin/python /path/to/docs/audit-tamper-legacy.py      # PostgreSQL

It writes only inside one transaction per class, rolled back, in the scratch database it migrates.
"""
import os, sys, json
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.config.settings.dev")
import django
django.setup()
from django.core.management import call_command
from django.db import connection, transaction
call_command("migrate", verbosity=0)
from liaison.core import audit
from liaison.core.actors import Actor
from liaison.core.models import AuditEntry

def sql(q, p=None):
    with connection.cursor() as c:
        c.execute(q, p or [])

def write(n):
    for _ in range(n):
        k = AuditEntry.objects.count() + 1
        audit.record(actor=Actor.system("clerk"), action="thing.changed", object_type="tests.thing", object_id=k,
                     object_repr=f"Thing {k}", after={"value": k}, personal={"email": f"person{k}@example.org"})

def rehash_from(s):
    prev = AuditEntry.objects.filter(sequence__lt=s).order_by("-sequence").first()
    ph = prev.entry_hash if prev else audit.GENESIS
    for e in AuditEntry.objects.filter(sequence__gte=s).order_by("sequence"):
        e.prev_hash = ph
        e.entry_hash = audit.compute_hash(e)
        sql("UPDATE core_auditentry SET prev_hash=%s, entry_hash=%s WHERE sequence=%s", [e.prev_hash, e.entry_hash, e.sequence])
        ph = e.entry_hash

def renumber(m):
    for o, n in m.items():
        sql("UPDATE core_auditentry SET sequence=%s WHERE sequence=%s", [-1000000 - n, o])
    for n in m.values():
        sql("UPDATE core_auditentry SET sequence=%s WHERE sequence=%s", [n, -1000000 - n])

def delete(*ss):
    for s in ss:
        sql("DELETE FROM core_auditentry WHERE sequence=%s", [s])

def insert_copy(src, seq, action, prev):
    e = AuditEntry.objects.get(sequence=src)
    e.sequence, e.action, e.prev_hash = seq, action, prev
    h = audit.compute_hash(e)
    sql("INSERT INTO core_auditentry (sequence,timestamp,actor_kind,actor_id,actor_label,action,object_type,object_id,"
        "object_repr,before,after,personal,correlation_id,message,prev_hash,entry_hash) SELECT %s,timestamp,actor_kind,"
        "actor_id,actor_label,%s,object_type,object_id,'Forged',before,after,NULL,correlation_id,message,%s,%s "
        "FROM core_auditentry WHERE sequence=%s", [seq, action, prev, h, src])

H = {}
for statement in audit.unguard_sql(connection.vendor):  # the attacker of the tests: owner, triggers off
    sql(statement)
def delete_all():
    if connection.vendor == "postgresql":
        sql("TRUNCATE core_auditentry")
    else:
        sql("DELETE FROM core_auditentry")

CLASSES = {
 "01-edit-hashed-column": lambda: sql("UPDATE core_auditentry SET after=%s WHERE sequence=3", ['{"value": 99}']),
 "02-edit-actor-id": lambda: sql("UPDATE core_auditentry SET actor_id=999 WHERE sequence=3"),
 "03-edit-timestamp": lambda: sql("UPDATE core_auditentry SET timestamp=(SELECT timestamp FROM core_auditentry WHERE sequence=1) WHERE sequence=3"),
 "04-delete-middle": lambda: delete(3),
 "05-reorder": lambda: renumber({3: 4, 4: 3}),
 "06-insert-in-the-middle": lambda: (renumber({n: n + 1 for n in range(8, 3, -1)}), insert_copy(3, 4, "thing.approved", H[3])),
 "07-edit-link": lambda: sql("UPDATE core_auditentry SET prev_hash=%s WHERE sequence=4", [H[2]]),
 "08-edit-object-repr": lambda: sql("UPDATE core_auditentry SET object_repr='Innocent GmbH' WHERE sequence=3"),
 "09-edit-actor-label": lambda: sql("UPDATE core_auditentry SET actor_label='someone else' WHERE sequence=3"),
 "10-edit-personal": lambda: sql("UPDATE core_auditentry SET personal=%s WHERE sequence=3", [json.dumps({"email": "x@evil.example"})]),
 "11-truncate-tail": lambda: delete(8, 7, 6, 5),
 "12-delete-everything": delete_all,
 "13-edit-and-rehash": lambda: (sql("UPDATE core_auditentry SET after=%s WHERE sequence=3", ['{"value": 99}']), rehash_from(3)),
 "14-delete-and-renumber": lambda: (delete(3), renumber({n: n - 1 for n in range(4, 9)}), rehash_from(3)),
 "15-forged-append": lambda: insert_copy(8, 9, "thing.approved", H[8]),
 "16-personal-part-deleted": lambda: sql("UPDATE core_auditentry SET personal=NULL, actor_label='', object_repr='' WHERE sequence=3"),
 "17-personal-parts-swapped": lambda: (
     sql("UPDATE core_auditentry SET actor_label='x', object_repr=(SELECT object_repr FROM core_auditentry WHERE sequence=4) WHERE sequence=3"),
     sql("UPDATE core_auditentry SET object_repr='Thing 3' WHERE sequence=4")),
 "18-truncate-and-forge-anchor": lambda: delete(8, 7, 6, 5),  # no anchors existed
 "19-shift-all-numbers": lambda: renumber({n: n + 100 for n in range(8, 0, -1)}),
}

class Rollback(Exception):
    pass

detected = 0
for name, attack in CLASSES.items():
    try:
        with transaction.atomic():
            sql("DELETE FROM core_auditentry")
            write(8)
            H.clear(); H.update(dict(AuditEntry.objects.values_list("sequence", "entry_hash")))
            assert audit.verify_chain().ok
            if connection.vendor == "postgresql":
                sql("SET CONSTRAINTS ALL IMMEDIATE")
            attack()
            r = audit.verify_chain()
            print(f"{name:32} {'detected' if not r.ok else 'MISSED  '}  (old verify: {r.checked} entries, {len(r.problems)} problems)")
            detected += not r.ok
            raise Rollback
    except Rollback:
        pass
print(f"old verify: {detected} of {len(CLASSES)} detected ({connection.vendor})")
