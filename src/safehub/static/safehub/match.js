// Put the chosen person's ID into the child's "Person ID" field on the contact form.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-use-person]");
  if (!button) return;
  const input = document.getElementById(button.dataset.target);
  if (input) { input.value = button.dataset.usePerson; input.focus(); }
});
