// The browser chat's script, put in the page's <head> by abstractqa.web.app.launch.

// A click on an inline [n] scrolls its source card into view (it may render a moment later
// when an earlier answer was clicked) instead of following the link.
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest('a[href^="#src-"]');
  if (!link) return;
  event.preventDefault();
  const id = link.getAttribute("href").slice(1);
  let tries = 0;
  const show = () => {
    const card = document.getElementById(id);
    if (!card) { if (tries++ < 20) setTimeout(show, 100); return; }
    card.scrollIntoView({behavior: "smooth", block: "nearest"});
    card.classList.remove("aq-flash"); void card.offsetWidth; card.classList.add("aq-flash");
  };
  show();
}, true);

// "Copy as Markdown": the clipboard API, or a hidden textarea where it is not allowed.
window.aqCopyMarkdown = async (text) => {
  if (!text) return;
  try { await navigator.clipboard.writeText(text); }
  catch (err) {
    const area = document.createElement("textarea");
    area.value = text; document.body.appendChild(area); area.select();
    document.execCommand("copy"); area.remove();
  }
};
