// The catalog index: search and filters hide the events they leave out. The full list is in
// the page's markup, so without this script every event is still shown.
"use strict";

(function () {
  const search = document.getElementById("search");
  const subdomain = document.getElementById("subdomain");
  const deprecation = document.getElementById("deprecation");
  const topic = document.getElementById("topic");
  const count = document.getElementById("count");
  const empty = document.getElementById("empty");
  const events = Array.from(document.querySelectorAll("#events > .event"));
  const topicsOf = new Map(events.map((item) => [item, JSON.parse(item.dataset.topics)]));

  function matchesTopic(item) {
    const wanted = topic.value;
    const topics = topicsOf.get(item);
    if (wanted === "") return true;
    if (wanted === "*") return topics.length > 0;
    if (wanted === "-") return topics.length === 0;
    return topics.includes(wanted);
  }

  function matches(item, words) {
    if (subdomain.value && item.dataset.subdomain !== subdomain.value) return false;
    const deprecated = item.dataset.deprecated === "true";
    if (deprecation.value === "current" && deprecated) return false;
    if (deprecation.value === "deprecated" && !deprecated) return false;
    if (!matchesTopic(item)) return false;
    return words.every((word) => item.dataset.search.includes(word));
  }

  function update() {
    const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const item of events) {
      const visible = matches(item, words);
      item.hidden = !visible;
      if (visible) shown += 1;
    }
    count.textContent = `${shown} of ${events.length} events`;
    empty.hidden = shown !== 0;
    const params = new URLSearchParams();
    if (search.value) params.set("q", search.value);
    if (subdomain.value) params.set("subdomain", subdomain.value);
    if (deprecation.value) params.set("deprecation", deprecation.value);
    if (topic.value) params.set("topic", topic.value);
    const query = params.toString();
    try {
      // Keeps the view in the address, to share or reload; a page opened from disk may refuse.
      history.replaceState(null, "", query ? `?${query}` : location.pathname);
    } catch (refused) {
      if (!(refused instanceof DOMException)) throw refused;
    }
  }

  function restore() {
    const params = new URLSearchParams(location.search);
    search.value = params.get("q") || "";
    for (const [name, select] of [["subdomain", subdomain], ["deprecation", deprecation], ["topic", topic]]) {
      const value = params.get(name);
      if (value !== null && Array.from(select.options).some((option) => option.value === value)) {
        select.value = value;
      }
    }
  }

  restore();
  search.addEventListener("input", update);
  for (const select of [subdomain, deprecation, topic]) select.addEventListener("change", update);
  update();
})();
