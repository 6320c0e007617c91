/* zhiliang ledger: check in the browser that an entry is in the signed ledger.
 *
 * Written from RFC 9162 §2.1 (leaf hash SHA-256(0x00 || entry), node hash SHA-256(0x01 || l || r),
 * inclusion verification §2.1.3.2) and C2SP signed-note / tlog-checkpoint, with WebCrypto only.
 * The server supplies the checkpoint and the proof; every hash is recomputed here, so a server
 * that lied would be caught. Loaded as a plain script (the page's CSP forbids inline scripts);
 * under Node it exports its functions for the test suite instead of touching a document.
 */
(function (root) {
  "use strict";

  const subtle = root.crypto.subtle;
  const encoder = new TextEncoder();
  const DASH = "\u2014 ";

  function hexToBytes(hex) {
    if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw new Error("not hex");
    const out = new Uint8Array(hex.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
    return out;
  }

  function bytesToHex(bytes) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function base64ToBytes(text) {
    const raw = root.atob(text);
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  }

  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  function equal(a, b) {
    return a.length === b.length && a.every((v, i) => v === b[i]);
  }

  async function sha256(bytes) {
    return new Uint8Array(await subtle.digest("SHA-256", bytes));
  }

  function leafHash(entryBytes) {
    return sha256(concat(Uint8Array.of(0), entryBytes));
  }

  function nodeHash(left, right) {
    return sha256(concat(Uint8Array.of(1), left, right));
  }

  /* RFC 9162 §2.1.3.2, with BigInt so that sizes above 2^31 keep their bits. */
  async function rootFromInclusion(index, size, leaf, path) {
    let fn = BigInt(index);
    let sn = BigInt(size) - 1n;
    if (fn > sn) return null;
    let r = leaf;
    for (const p of path) {
      if (p.length !== 32 || sn === 0n) return null;
      if ((fn & 1n) === 1n || fn === sn) {
        r = await nodeHash(p, r);
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      } else {
        r = await nodeHash(r, p);
      }
      fn >>= 1n;
      sn >>= 1n;
    }
    return sn === 0n ? r : null;
  }

  /* C2SP signed-note: the text up to the last blank line, then "— name base64(id || sig)". */
  function parseNote(note) {
    const split = note.lastIndexOf("\n\n");
    if (split < 0) throw new Error("no signatures");
    const text = note.slice(0, split + 1);
    const lines = text.slice(0, -1).split("\n");
    if (lines.length < 3 || !/^(0|[1-9][0-9]*)$/.test(lines[1])) throw new Error("not a checkpoint");
    const signatures = note
      .slice(split + 2)
      .split("\n")
      .filter((line) => line.startsWith(DASH))
      .map((line) => {
        const [name, sig] = line.slice(DASH.length).split(" ");
        const bytes = base64ToBytes(sig);
        return { name, keyId: bytesToHex(bytes.slice(0, 4)), signature: bytes.slice(4) };
      });
    const rootHash = base64ToBytes(lines[2]);
    if (rootHash.length !== 32) throw new Error("not a checkpoint");
    return { text, origin: lines[0], size: lines[1], root: rootHash, signatures };
  }

  /* <name>+<key ID>+<base64(0x01 || key)>: the base64 part may itself hold "+". */
  function parseVkey(vkey) {
    const text = vkey.trim();
    const first = text.indexOf("+");
    const second = text.indexOf("+", first + 1);
    const [name, keyId, key] = [text.slice(0, first), text.slice(first + 1, second), text.slice(second + 1)];
    const bytes = base64ToBytes(key);
    if (bytes.length !== 33 || bytes[0] !== 1) throw new Error("not an Ed25519 verifier key");
    return { name, keyId, publicKey: bytes.slice(1) };
  }

  /* "verified", "invalid", or "unchecked" when this browser has no WebCrypto Ed25519. */
  async function checkSignature(checkpoint, vkey) {
    const key = parseVkey(vkey);
    const line = checkpoint.signatures.find((s) => s.name === key.name && s.keyId === key.keyId);
    if (!line) return "invalid";
    let imported;
    try {
      imported = await subtle.importKey("raw", key.publicKey, { name: "Ed25519" }, false, ["verify"]);
    } catch (error) {
      return "unchecked";
    }
    const ok = await subtle.verify({ name: "Ed25519" }, imported, line.signature, encoder.encode(checkpoint.text));
    return ok ? "verified" : "invalid";
  }

  /* The leaf hash a pasted value stands for: 64 hex characters are a hash, anything else is
   * the entry text (outer white space dropped: canonical JSON has none). */
  async function leafHashOf(input) {
    const value = input.trim();
    if (/^[0-9a-fA-F]{64}$/.test(value)) return hexToBytes(value.toLowerCase());
    return leafHash(encoder.encode(value));
  }

  /* The whole check. fetchProof(leafHashHex, treeSize) resolves to {status, body}. */
  async function checkEntry({ input, note, vkey, fetchProof }) {
    const leaf = await leafHashOf(input);
    const checkpoint = parseNote(note);
    const signature = await checkSignature(checkpoint, vkey);
    const result = { leafHash: bytesToHex(leaf), treeSize: checkpoint.size, signature };
    if (signature === "invalid") return { ...result, status: "bad-signature" };
    const answer = await fetchProof(result.leafHash, checkpoint.size);
    if (answer.status === 404) return { ...result, status: "not-found" };
    if (answer.status !== 200) return { ...result, status: "failed" };
    const proof = answer.body;
    const path = proof.audit_path.map(hexToBytes);
    const sameLeaf = equal(hexToBytes(proof.leaf_hash), leaf);
    const sameSize = String(proof.tree_size) === checkpoint.size;
    const recomputed = sameLeaf && sameSize ? await rootFromInclusion(proof.leaf_index, checkpoint.size, leaf, path) : null;
    const verified = recomputed !== null && equal(recomputed, checkpoint.root);
    return {
      ...result,
      status: verified ? "verified" : "mismatch",
      leafIndex: proof.leaf_index,
      root: recomputed ? bytesToHex(recomputed) : "",
      pathLength: path.length,
    };
  }

  const api = { hexToBytes, bytesToHex, leafHash, nodeHash, rootFromInclusion, parseNote, parseVkey, checkSignature, leafHashOf, checkEntry };
  if (typeof module === "object" && module.exports) {
    module.exports = api;
    return;
  }

  /* The page ----------------------------------------------------------------------------- */

  function wire() {
    const form = document.getElementById("ledger-verify");
    if (!form) return;
    const input = form.querySelector("textarea");
    const box = document.querySelector("[data-testid=verify-result]");
    const status = box.querySelector("[data-testid=verify-status]");
    const details = box.querySelector("[data-testid=verify-details]");
    const field = (name) => box.querySelector(`[data-field=${name}]`);
    const message = (name) => box.dataset[name] || name;

    async function fetchProof(leafHashHex, treeSize) {
      const url = `${form.dataset.proofUrl}?leaf_hash=${leafHashHex}&tree_size=${treeSize}`;
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      return { status: response.status, body: response.ok ? await response.json() : null };
    }

    async function run() {
      box.hidden = false;
      details.hidden = true;
      box.dataset.state = "working";
      status.textContent = message("msgWorking");
      try {
        const note = await (await fetch(form.dataset.checkpointUrl, { cache: "no-store" })).text();
        const result = await checkEntry({ input: input.value, note, vkey: form.dataset.publicKey, fetchProof });
        const names = { verified: "msgVerified", "not-found": "msgNotFound", mismatch: "msgMismatch", "bad-signature": "msgBadSignature", failed: "msgFailed" };
        box.dataset.state = result.status;
        status.textContent = message(names[result.status]);
        field("leaf-index").textContent = result.leafIndex ?? "—";
        field("leaf-hash").textContent = result.leafHash;
        field("tree-size").textContent = result.treeSize;
        field("root").textContent = result.root || "—";
        field("path-length").textContent = result.pathLength ?? "—";
        field("signature").textContent = message(result.signature === "verified" ? "msgSignatureOk" : result.signature === "unchecked" ? "msgSignatureUnchecked" : "msgBadSignature");
        details.hidden = false;
      } catch (error) {
        box.dataset.state = "failed";
        status.textContent = message("msgFailed");
      }
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      run();
    });
    document.querySelectorAll("button[data-entry]").forEach((button) => {
      button.addEventListener("click", () => {
        input.value = button.dataset.entry;
        run();
        form.scrollIntoView({ behavior: "smooth", block: "start" });
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wire);
  else wire();
})(globalThis);
