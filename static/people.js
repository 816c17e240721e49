// mentorHub people pages: a suggested skill's "Add" button appends it to the skills field.
// Works without it: the form's skills field is plain text.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-add-skill]");
  if (!button) return;
  const field = document.getElementById("skills");
  if (!field) return;
  const skills = field.value.split(",").map((s) => s.trim()).filter(Boolean);
  const skill = button.dataset.addSkill;
  if (!skills.includes(skill)) skills.push(skill);
  field.value = skills.join(", ");
  button.closest("li")?.remove();
  field.focus();
});
