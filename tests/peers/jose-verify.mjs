// SPDX-License-Identifier: GPL-3.0-or-later
// Verifies the tokens dossier-sign wrote with the jose library, and checks
// that a changed payload or signature fails.  usage: node jose-verify.mjs DIR
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as jose from 'jose';

const dir = process.argv[2];
let passed = 0, failed = 0;
const check = (ok, what) => { if (ok) passed++; else { failed++; console.log(`FAIL ${what}`); } };

for (const alg of ['ES256', 'ES384', 'EdDSA', 'RS256', 'PS256']) {
  const token = readFileSync(join(dir, `${alg}.jws`), 'utf8');
  const key = await jose.importJWK(JSON.parse(readFileSync(join(dir, `${alg}.jwk.json`), 'utf8')), alg);
  try {
    const { payload } = await jose.compactVerify(token, key, { algorithms: [alg] });
    const claims = JSON.parse(new TextDecoder().decode(payload));
    check(claims.name === 'Nguyễn Văn An', `${alg}: payload read back`);
  } catch (e) {
    check(false, `${alg}: jose refused Dossier's signature: ${e.message}`);
  }
  const [h, p, s] = token.split('.');
  const forged = [h, jose.base64url.encode('{"iss":"https://evil.example"}'), s].join('.');
  await jose.compactVerify(forged, key, { algorithms: [alg] }).then(
    () => check(false, `${alg}: a changed payload verified`),
    () => check(true));
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
