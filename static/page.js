// Behaviour every page shares (loaded by base.html; a static file, so the CSP stays strict).
//
// 1. Every htmx request to mentorHub itself carries the page's CSRF token in the
//    X-CSRF-Token header (htmx 4 sends no such header of its own).
// 2. Following a resource's link (`a[data-start]`) tells the server, with a same-origin
//    POST, that the person started it; the link itself is a plain GET that changes
//    nothing, so it works without JavaScript and no other site can record a start.
// 3. A live region (`hx-sse:connect`) says whether it is listening: `data-live` is
//    "listening" once its stream's first message came (the server listens for changes
//    before it sends that one) and "lost" when the stream fails, until it is back.

const csrfToken = () => document.querySelector('meta[name="csrf-token"]')?.content ?? "";

const sameOrigin = (url) => new URL(url, document.baseURI).origin === location.origin;

document.addEventListener("htmx:config:request", (event) => {
  const request = event.detail?.ctx?.request;
  const token = csrfToken();
  if (request && token && sameOrigin(request.action)) request.headers["X-CSRF-Token"] = token;
});

function recordStart(event) {
  if (event.type === "auxclick" && event.button !== 1) return; // only the middle button
  const link = event.target.closest?.("a[data-start]");
  if (!link || !sameOrigin(link.dataset.start)) return;
  // keepalive: the request outlives the page when the link navigates away from it
  fetch(link.dataset.start, {
    method: "POST",
    headers: { "X-CSRF-Token": csrfToken() },
    credentials: "same-origin",
    keepalive: true,
  }).catch(() => {}); // opening the resource matters more than recording it
}

document.addEventListener("click", recordStart);
document.addEventListener("auxclick", recordStart);

document.addEventListener("htmx:sse:after:message", (event) => {
  event.target.dataset.live = "listening";
});
document.addEventListener("htmx:sse:error", (event) => {
  event.target.dataset.live = "lost";
});
