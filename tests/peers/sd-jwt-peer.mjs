// SPDX-License-Identifier: GPL-3.0-or-later
// SD-JWT VC round trips with @sd-jwt/sd-jwt-vc.
//   node sd-jwt-peer.mjs verify DIR AUD NONCE
//     checks the presentation dossier-sign wrote (issuer signature,
//     disclosures, key binding to AUD and NONCE), and that tampered copies fail
//   node sd-jwt-peer.mjs issue DIR AUD NONCE
//     issues an SD-JWT VC with a holder key, presents it to AUD with NONCE,
//     and writes it with tampered copies for dossier-cli verify
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createPublicKey, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { digest } from '@sd-jwt/crypto-nodejs';

const [mode, dir, aud, nonce] = process.argv.slice(2);
let passed = 0, failed = 0;
const check = (ok, what) => { if (ok) passed++; else { failed++; console.log(`FAIL ${what}`); } };

const b64u = (b) => Buffer.from(b).toString('base64url');
// ES256 and EdDSA over JOSE signing input, signatures in JOSE form
const joseVerify = (jwk, data, sig) => {
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const alg = jwk.kty === 'EC' ? 'sha256' : null;
  return verify(alg, Buffer.from(data), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(sig, 'base64url'));
};
const joseSign = (privateKey, data) => {
  const alg = privateKey.asymmetricKeyType === 'ec' ? 'sha256' : null;
  return b64u(sign(alg, Buffer.from(data), { key: privateKey, dsaEncoding: 'ieee-p1363' }));
};
const swapLastChar = (s) => s.slice(0, -2) + (s.at(-2) === 'A' ? 'B' : 'A') + s.at(-1);

async function verifyDossier() {
  const issuerJwk = JSON.parse(readFileSync(join(dir, 'issuer.jwk.json'), 'utf8'));
  const presentation = readFileSync(join(dir, 'presentation.txt'), 'utf8').trim();
  const sdjwt = new SDJwtVcInstance({
    hasher: digest, hashAlg: 'sha-256',
    verifier: (data, sig) => joseVerify(issuerJwk, data, sig),
    kbVerifier: (data, sig, payload) => joseVerify(payload.cnf.jwk, data, sig),
  });
  const attempt = async (token, expectedNonce, expectedAud) => {
    const result = await sdjwt.verify(token, { keyBindingNonce: expectedNonce, requiredClaimKeys: ['family_name'] });
    if (result.kb?.payload.aud !== expectedAud) throw new Error(`audience ${result.kb?.payload.aud}`);
    return result;
  };
  try {
    const { payload, header, kb } = await attempt(presentation, nonce, aud);
    check(header.typ === 'dc+sd-jwt', 'typ dc+sd-jwt');
    check(kb.header.typ === 'kb+jwt', 'typ kb+jwt');
    const claims = await sdjwt.getClaims(presentation);
    check(claims.family_name === 'Nguyễn', 'family_name disclosed');
    check(claims.given_name === undefined, 'given_name withheld');
    check(claims.degree?.grade === 'Giỏi' && claims.degree?.name === 'Cử nhân Toán học', 'nested claim disclosed');
    check(JSON.stringify(claims.languages) === '["en","fr"]', `array elements: ${JSON.stringify(claims.languages)}`);
    check(payload.vct === 'https://example.edu/diploma', 'vct');
  } catch (e) {
    check(false, `the peer refused Dossier's presentation: ${e.message}`);
  }
  const parts = presentation.split('~');
  const tampered = {
    'another nonce': [presentation, 'other-nonce', aud],
    'another audience': [presentation, nonce, 'https://other.example'],
    'a disclosure dropped': [[parts[0], ...parts.slice(2)].join('~'), nonce, aud],
    'issuer signature changed': [[swapLastChar(parts[0]), ...parts.slice(1)].join('~'), nonce, aud],
    'key binding signature changed': [[...parts.slice(0, -1), swapLastChar(parts.at(-1))].join('~'), nonce, aud],
  };
  for (const [what, [token, n, a]] of Object.entries(tampered))
    await attempt(token, n, a).then(() => check(false, `${what}: still verified`), () => check(true));
}

async function issueForDossier() {
  const issuer = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const holder = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const issuerJwk = { ...issuer.publicKey.export({ format: 'jwk' }), kid: 'peer-issuer', alg: 'ES256' };
  const holderJwk = holder.publicKey.export({ format: 'jwk' });
  const now = Math.floor(Date.now() / 1000);
  const sdjwt = new SDJwtVcInstance({
    hasher: digest, hashAlg: 'sha-256', signAlg: 'ES256', kbSignAlg: 'ES256',
    saltGenerator: () => b64u(randomBytes(16)),
    signer: (data) => joseSign(issuer.privateKey, data),
    kbSigner: (data) => joseSign(holder.privateKey, data),
  });
  const claims = {
    iss: 'https://peer-issuer.example', iat: now - 60, exp: now + 86400, vct: 'https://example.edu/transcript',
    cnf: { jwk: holderJwk },
    given_name: 'Bình', family_name: 'Trần',
    address: { locality: 'Huế', country: 'VN' },
    courses: ['Giải tích', 'Đại số', 'Xác suất'],
  };
  const frame = { _sd: ['given_name', 'family_name', 'address'], address: { _sd: ['locality'] }, courses: { _sd: [0, 2] } };
  const issued = await sdjwt.issue(claims, frame, { header: { kid: 'peer-issuer' } });
  const kb = { payload: { iat: now, aud, nonce } };
  const presented = await sdjwt.present(issued, { family_name: true, address: { locality: true }, courses: { 2: true } }, { kb });
  const parts = presented.split('~');
  mkdirSync(join(dir, 'cases'), { recursive: true });
  writeFileSync(join(dir, 'issuer.jwk.json'), JSON.stringify(issuerJwk));
  const cases = {
    'valid-presentation': presented,
    'valid-issued': issued,
    'tampered-issuer-signature': [swapLastChar(parts[0]), ...parts.slice(1)].join('~'),
    'tampered-disclosure-dropped': [parts[0], ...parts.slice(2)].join('~'),
    'tampered-kb-signature': [...parts.slice(0, -1), swapLastChar(parts.at(-1))].join('~'),
    'tampered-foreign-disclosure': [...parts.slice(0, -1), b64u(JSON.stringify([b64u(randomBytes(16)), 'given_name', 'Mallory'])), parts.at(-1)].join('~'),
  };
  for (const [name, token] of Object.entries(cases)) writeFileSync(join(dir, 'cases', `${name}.txt`), token + '\n');
  check(true);
}

if (mode === 'verify') await verifyDossier();
else if (mode === 'issue') await issueForDossier();
else { console.error('usage: node sd-jwt-peer.mjs verify|issue DIR AUD NONCE'); process.exit(2); }
console.log(`sd-jwt ${mode}: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
