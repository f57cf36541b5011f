// In-place updates for forms marked data-enhance: post in the background, then swap in the
// fresh pieces the server sends back (every element with a matching data-swap key).
// Without this script every form still works as a plain post that redirects back.
(() => {
  const live = document.getElementById("live");
  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-enhance")) return;
    event.preventDefault();
    const submitter = event.submitter;
    const body = new URLSearchParams(new FormData(form, submitter));
    const host = form.closest("[data-swap]");
    const focusValue = submitter?.value;
    form.setAttribute("aria-busy", "true");
    try {
      const res = await fetch(form.action, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", "X-Page-Path": location.pathname + location.search },
      });
      if (res.status === 401) {
        location.assign(`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`);
        return;
      }
      if (!res.ok) throw new Error(`status ${res.status}`);
      const doc = new DOMParser().parseFromString(await res.text(), "text/html");
      let announce = "";
      for (const fresh of doc.body.querySelectorAll("[data-swap]")) {
        const key = fresh.getAttribute("data-swap");
        for (const old of document.querySelectorAll(`[data-swap="${CSS.escape(key)}"]`)) {
          old.replaceWith(fresh.cloneNode(true));
        }
        announce ||= fresh.getAttribute("data-announce") ?? "";
      }
      if (live && announce) live.textContent = announce;
      // keep the keyboard where it was: on the same button of the fresh control
      const key = host?.getAttribute("data-swap");
      if (key) {
        const again = document.querySelector(`[data-swap="${CSS.escape(key)}"]`);
        const target =
          again?.querySelector(`button[value="${CSS.escape(focusValue ?? "")}"]`) ??
          again?.querySelector("button");
        target?.focus();
      }
    } catch {
      // fall back to the plain post, which shows a full page (including any error)
      form.removeAttribute("data-enhance");
      form.requestSubmit(submitter);
    } finally {
      form.removeAttribute("aria-busy");
    }
  });
})();
