// SPDX-License-Identifier: GPL-3.0-or-later
// The reverse directions with jose.
//   node jose-peer.mjs sign DIR
//     signs ES256, EdDSA and PS256 JWS (and a tampered copy of each) and
//     writes them with the public JWKs, for Dossier to verify
//   node jose-peer.mjs jwe DIR
//     decrypts the dir/A256GCM JWEs dossier-sign wrote (DIR/key.txt,
//     DIR/dossier-*.jwe), checks that changed ones fail, and encrypts some
//     for Dossier to decrypt (DIR/jose-*.jwe, DIR/jose-*.txt the plaintexts)
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as jose from 'jose';

const [mode, dir] = process.argv.slice(2);
let passed = 0, failed = 0;
const check = (ok, what) => { if (ok) passed++; else { failed++; console.log(`FAIL ${what}`); } };
const swap = (s, at) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);

async function sign() {
  const payload = new TextEncoder().encode(JSON.stringify({ iss: 'https://peer.example', name: 'Trần Thị Bình', n: 2 }));
  for (const [alg, options] of [['ES256', {}], ['EdDSA', { crv: 'Ed25519' }], ['PS256', { modulusLength: 2048 }]]) {
    const { publicKey, privateKey } = await jose.generateKeyPair(alg, { ...options, extractable: true });
    const token = await new jose.CompactSign(payload).setProtectedHeader({ alg, typ: 'JWT' }).sign(privateKey);
    const [h, p, s] = token.split('.');
    writeFileSync(join(dir, `${alg}.jws`), token);
    writeFileSync(join(dir, `${alg}-tampered-payload.jws`), [h, jose.base64url.encode('{"iss":"https://evil.example"}'), s].join('.'));
    writeFileSync(join(dir, `${alg}-tampered-signature.jws`), [h, p, swap(s, 5)].join('.'));
    writeFileSync(join(dir, `${alg}.jwk.json`), JSON.stringify(await jose.exportJWK(publicKey)));
    check(true);
  }
}

async function jwe() {
  const key = jose.base64url.decode(readFileSync(join(dir, 'key.txt'), 'utf8').trim());
  const expected = readFileSync(join(dir, 'plaintext.txt'));
  for (const name of readdirSync(dir).filter((f) => f.startsWith('dossier-') && f.endsWith('.jwe'))) {
    const token = readFileSync(join(dir, name), 'utf8').trim();
    try {
      const { plaintext, protectedHeader } = await jose.compactDecrypt(token, key, { contentEncryptionAlgorithms: ['A256GCM'], keyManagementAlgorithms: ['dir'] });
      check(Buffer.from(plaintext).equals(expected), `${name}: plaintext differs`);
      check(protectedHeader.alg === 'dir' && protectedHeader.enc === 'A256GCM', `${name}: header ${JSON.stringify(protectedHeader)}`);
    } catch (e) {
      check(false, `${name}: jose refused Dossier's JWE: ${e.message}`);
    }
    const parts = token.split('.');
    for (const [what, changed] of [['ciphertext', 3], ['tag', 4], ['iv', 2]]) {
      const forged = parts.map((part, i) => (i === changed ? swap(part, 1) : part)).join('.');
      await jose.compactDecrypt(forged, key).then(() => check(false, `${name}: changed ${what} decrypted`), () => check(true));
    }
    const otherKey = Uint8Array.from(key);
    otherKey[0] ^= 1;
    await jose.compactDecrypt(token, otherKey).then(() => check(false, `${name}: decrypted with another key`), () => check(true));
  }
  const text = new TextEncoder().encode(`{"resourceType":"Bundle","note":"${'Sổ sức khỏe điện tử '.repeat(40)}"}`);
  writeFileSync(join(dir, 'jose-plain.txt'), text);
  writeFileSync(join(dir, 'jose-plain.jwe'), await new jose.CompactEncrypt(text).setProtectedHeader({ alg: 'dir', enc: 'A256GCM' }).encrypt(key));
  writeFileSync(join(dir, 'jose-zip.txt'), text);
  writeFileSync(join(dir, 'jose-zip.jwe'), await new jose.CompactEncrypt(text).setProtectedHeader({ alg: 'dir', enc: 'A256GCM', zip: 'DEF', cty: 'application/fhir+json' }).encrypt(key));
  const otherKey = Uint8Array.from(key);
  otherKey[31] ^= 0x80;
  writeFileSync(join(dir, 'jose-wrong-key.jwe'), await new jose.CompactEncrypt(text).setProtectedHeader({ alg: 'dir', enc: 'A256GCM' }).encrypt(otherKey));
  const gcm128 = new Uint8Array(16).fill(3);
  writeFileSync(join(dir, 'jose-a128gcm.jwe'), await new jose.CompactEncrypt(text).setProtectedHeader({ alg: 'dir', enc: 'A128GCM' }).encrypt(gcm128));
}

if (mode === 'sign') await sign();
else if (mode === 'jwe') await jwe();
else { console.error('usage: node jose-peer.mjs sign|jwe DIR'); process.exit(2); }
console.log(`jose ${mode}: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
