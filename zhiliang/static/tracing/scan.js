// The scan page's one optional script: share the phone's approximate position, on request,
// so that copies of a label scanned far apart can be detected. Nothing is sent unless asked.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector("[data-scan-position]");
  if (!button || !navigator.geolocation) return;
  button.addEventListener("click", () => {
    button.disabled = true;
    navigator.geolocation.getCurrentPosition((where) => {
      const body = new URLSearchParams({
        token: button.dataset.scanPosition,
        lat: where.coords.latitude.toFixed(2),
        lng: where.coords.longitude.toFixed(2),
      });
      fetch(button.dataset.url, { method: "POST", body }).then(() => { button.hidden = true; });
    }, () => { button.disabled = false; }, { enableHighAccuracy: false, maximumAge: 600000 });
  });
});
