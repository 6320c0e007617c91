/* zhiliang lab console: sign a test report in the browser and submit it.
 *
 * The report object is signed as RFC 8785 canonical JSON (JCS) with Ed25519 in WebCrypto. Our
 * payloads hold only strings, booleans, null, integers and nested objects, for which sorting keys
 * by UTF-16 code units and JSON.stringify of each value is exactly JCS. The private key is the
 * 32-byte seed in base64, wrapped here as PKCS #8 (RFC 8410) for WebCrypto; it never leaves the page.
 */
(function () {
  "use strict";

  const PKCS8_PREFIX = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];

  function canonical(value) {
    if (value === null || typeof value !== "object") return JSON.stringify(value);
    if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
    return "{" + Object.keys(value).sort().map((k) => JSON.stringify(k) + ":" + canonical(value[k])).join(",") + "}";
  }

  function bytesOf(base64) {
    return Uint8Array.from(atob(base64.trim()), (c) => c.charCodeAt(0));
  }

  function base64Of(bytes) {
    return btoa(String.fromCharCode(...new Uint8Array(bytes)));
  }

  async function sign(report, seedBase64) {
    const seed = bytesOf(seedBase64);
    if (seed.length !== 32) throw new Error("the key is a 32-byte seed in base64");
    const key = await crypto.subtle.importKey("pkcs8", new Uint8Array([...PKCS8_PREFIX, ...seed]), { name: "Ed25519" }, false, ["sign"]);
    return base64Of(await crypto.subtle.sign({ name: "Ed25519" }, key, new TextEncoder().encode(canonical(report))));
  }

  function reportOf(form) {
    const data = new FormData(form);
    const measurements = {};
    for (const line of String(data.get("measurements")).split(/\r?\n/)) {
      const [key, value] = line.split("=").map((part) => (part || "").trim());
      if (key) measurements[key] = value;
    }
    const report = {
      format: "zhiliang.lab-report/1",
      lab: form.dataset.lab,
      number: String(data.get("number")).trim(),
      product_model: parseInt(String(data.get("product_model")), 10),
      standard: String(data.get("standard")),
      report_date: String(data.get("report_date")),
      measurements,
      conformity: { product_standard: data.get("product_standard") === "on", mandatory_standards: data.get("mandatory_standards") === "on" },
    };
    if (data.get("sample_date")) report.sample_date = String(data.get("sample_date"));
    return report;
  }

  function wire() {
    const form = document.getElementById("lab-report");
    if (!form) return;
    const result = document.getElementById("report-result");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const report = reportOf(form);
      try {
        const signature = await sign(report, String(new FormData(form).get("key")));
        const response = await fetch(form.dataset.endpoint, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value },
          body: JSON.stringify({ report, signature }),
        });
        const body = await response.json();
        result.textContent = response.ok
          ? `${form.dataset.msgOk} #${body.id}`
          : `${form.dataset.msgBad} ${body.errors.map((e) => `${e.field}: ${e.reason}`).join("; ")}`;
        result.dataset.state = response.ok ? "accepted" : "refused";
      } catch (error) {
        result.textContent = `${form.dataset.msgBad} ${error.message}`;
        result.dataset.state = "refused";
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wire);
  else wire();
})();
