/* zhiliang grading: check a label's signature in the browser, from the URL alone.
 *
 * The label URL is <record URL>?g=<grade>&s=<standard>&e=<expiry>&sig=<base64url Ed25519>; the
 * signed text is "zhiliang-label/v1\n<record URL>\n<grade>\n<standard>\n<expiry>" (see
 * docs/label-format.md). The page gives the platform's public key; WebCrypto does the rest, so
 * the check does not depend on what the server says about it.
 */
(function () {
  "use strict";

  function fromBase64(text) {
    const plain = text.replace(/-/g, "+").replace(/_/g, "/");
    const padded = plain + "=".repeat((4 - (plain.length % 4)) % 4);
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  async function check(box) {
    const params = new URLSearchParams(window.location.search);
    const [grade, standard, expiry, sig] = ["g", "s", "e", "sig"].map((k) => params.get(k));
    if (!grade || !standard || !expiry || !sig) return;
    const recordUrl = window.location.origin + window.location.pathname;
    const text = ["zhiliang-label/v1", recordUrl, grade, standard, expiry].join("\n");
    let ok = false;
    try {
      const key = await crypto.subtle.importKey("raw", fromBase64(box.dataset.publicKey), { name: "Ed25519" }, false, ["verify"]);
      ok = await crypto.subtle.verify({ name: "Ed25519" }, key, fromBase64(sig), new TextEncoder().encode(text));
    } catch (error) {
      return; /* this browser has no Ed25519 in WebCrypto: the server's check stands alone */
    }
    box.textContent = ok ? box.dataset.msgOk : box.dataset.msgBad;
    box.dataset.state = ok ? "verified" : "invalid";
    box.hidden = false;
  }

  function wire() {
    const box = document.getElementById("label-offline");
    if (box) check(box);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wire);
  else wire();
})();
