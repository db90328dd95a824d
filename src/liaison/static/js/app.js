// Progressive enhancement only; the site works without JavaScript. No inline scripts (strict CSP).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
  document.querySelectorAll(".js-hidden").forEach((el) => el.classList.add("hidden"));
});
