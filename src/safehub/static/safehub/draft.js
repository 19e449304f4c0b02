// Keep a half-finished form as a draft on the server, so nothing typed is lost to a timeout.
const form = document.querySelector("form[data-draft]");
if (form) {
  let timer = null;
  const status = document.getElementById("draft-status");
  const save = () => {
    const data = new FormData(form);
    data.set("action", "save_draft");
    fetch(form.action || window.location.href, { method: "POST", body: data, credentials: "same-origin" })
      .then((r) => { if (status && r.ok) status.textContent = "Draft saved " + new Date().toLocaleTimeString("en-GB"); })
      .catch(() => { if (status) status.textContent = "Draft not saved: check your connection"; });
  };
  form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(save, 1500); });
}
