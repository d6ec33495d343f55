// SPDX-License-Identifier: GPL-3.0-or-later
// What dossier-issuer signs, checked by third-party libraries: jose for
// VC-JWT, @sd-jwt/sd-jwt-vc for SD-JWT VC, @digitalbazaar/vc with the
// eddsa-jcs-2022 and eddsa-rdfc-2022 cryptosuites for Data Integrity.
// JSON-LD contexts come from the shared copies, never from the network.
//   node issuer-peer.mjs SCHOOL_DIR CONTEXTS_DIR VC_JWT_DIR SD_JWT_DIR DI_DIR REVOKED_NUMBER [DI_RDFC_DIR]
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createPublicKey, verify } from 'node:crypto';
import { jwtVerify, createLocalJWKSet } from 'jose';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { digest } from '@sd-jwt/crypto-nodejs';
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { createVerifyCryptosuite } from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

const [school, contexts, vcJwtDir, sdJwtDir, diDir, revokedNumber, diRdfcDir] = process.argv.slice(2);
let passed = 0, failed = 0;
const check = (ok, what) => { if (ok) passed++; else { failed++; console.log(`FAIL ${what}`); } };
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const filesOf = (dir, suffix) => readdirSync(dir).filter((n) => n.endsWith(suffix) && !n.endsWith('.offer.json') && n !== 'issued.json')
  .sort().map((n) => join(dir, n));

const jwks = readJson(join(school, 'jwks.json'));
const did = readJson(join(school, 'did.json'));
const keySet = createLocalJWKSet(jwks);

// The status lists, each a VC-JWT signed by the school, read as a verifier would.
const lists = {};
for (const purpose of ['revocation', 'suspension']) {
  const token = readFileSync(join(school, 'status', `${purpose}.jwt`), 'utf8').trim();
  const { payload } = await jwtVerify(token, keySet, { typ: 'vc+jwt' });
  check(payload.issuer === did.id, `${purpose} list issuer`);
  const encoded = payload.credentialSubject.encodedList;
  check(encoded.startsWith('u'), `${purpose} list is multibase base64url`);
  lists[payload.id] = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
}
const statusOf = (credential) => {
  const entries = [].concat(credential.credentialStatus ?? []);
  const set = [];
  for (const entry of entries) {
    check(entry.type === 'BitstringStatusListEntry', 'status entry type');
    const bits = lists[entry.statusListCredential];
    const index = Number.parseInt(entry.statusListIndex, 10);
    if (!bits) throw new Error(`no list ${entry.statusListCredential}`);
    if ((bits[index >> 3] >> (7 - (index & 7))) & 1) set.push(entry.statusPurpose);
  }
  return set;
};
const expectStatus = (credential, what) => {
  const number = credential.credentialSubject?.diplomaNumber;
  const set = statusOf(credential);
  check(number === revokedNumber ? set.includes('revocation') : set.length === 0, `${what}: status ${set.join(',') || 'none'}`);
};

// VC-JWT with jose
for (const file of filesOf(vcJwtDir, '.jwt')) {
  const token = readFileSync(file, 'utf8').trim();
  try {
    const { payload, protectedHeader } = await jwtVerify(token, keySet, { typ: 'vc+jwt' });
    check(protectedHeader.alg === 'ES256', `${file}: ES256`);
    check(payload.issuer?.id === did.id, `${file}: issuer`);
    check(payload.type.includes('AchievementCredential'), `${file}: AchievementCredential`);
    check(/\p{L}/u.test(payload.credentialSubject.name) && payload.credentialSubject.name.normalize('NFC') === payload.credentialSubject.name,
      `${file}: name in NFC`);
    expectStatus(payload, file);
  } catch (e) {
    check(false, `${file}: jose refused it: ${e.message}`);
  }
  const tampered = token.slice(0, -2) + (token.at(-2) === 'A' ? 'B' : 'A') + token.at(-1);
  await jwtVerify(tampered, keySet).then(() => check(false, `${file}: a tampered copy verified`), () => check(true, ''));
}

// SD-JWT VC with @sd-jwt/sd-jwt-vc
const p256 = jwks.keys.find((k) => k.crv === 'P-256');
const joseVerify = (data, sig) => verify('sha256', Buffer.from(data),
  { key: createPublicKey({ key: p256, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }, Buffer.from(sig, 'base64url'));
const sdjwt = new SDJwtVcInstance({ hasher: digest, hashAlg: 'sha-256', verifier: joseVerify });
for (const file of filesOf(sdJwtDir, '.sd-jwt')) {
  const token = readFileSync(file, 'utf8').trim();
  try {
    const { payload, header } = await sdjwt.verify(token);
    const claims = await sdjwt.getClaims(token);
    check(header.typ === 'dc+sd-jwt', `${file}: typ`);
    check(payload.iss === did.id && header.kid === p256.kid, `${file}: iss and kid`);
    const signed = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
    check(payload.iss === signed.iss && signed.credentialSubject.name === undefined && signed.credentialSubject._sd?.length >= 5,
      `${file}: personal claims concealed in the signed payload`);
    check(typeof claims.credentialSubject.name === 'string' && typeof claims.credentialSubject.birthDate === 'string',
      `${file}: name and birth date disclosed`);
    check(claims.credentialSubject.achievement?.achievementType === 'Diploma', `${file}: achievement in the clear`);
    expectStatus(claims, file);
  } catch (e) {
    check(false, `${file}: @sd-jwt/sd-jwt-vc refused it: ${e.message}`);
  }
  const [jwt, ...rest] = token.split('~');
  const tampered = [jwt.slice(0, -2) + (jwt.at(-2) === 'A' ? 'B' : 'A') + jwt.at(-1), ...rest].join('~');
  await sdjwt.verify(tampered).then(() => check(false, `${file}: a tampered copy verified`), () => check(true, ''));
}

// Data Integrity with @digitalbazaar/vc, eddsa-jcs-2022
const contextFiles = readJson(join(contexts, 'index.json'));
const byId = new Map();
for (const method of did.verificationMethod) {
  byId.set(method.id, {
    '@context': method.type === 'Multikey' ? 'https://w3id.org/security/multikey/v1' : 'https://w3id.org/security/jws/v1',
    ...method,
  });
}
const documentLoader = async (url) => {
  const entry = contextFiles[url];
  if (entry) return { contextUrl: null, documentUrl: url, document: readJson(join(contexts, entry.file)) };
  if (url === did.id) return { contextUrl: null, documentUrl: url, document: did };
  if (byId.has(url)) return { contextUrl: null, documentUrl: url, document: byId.get(url) };
  throw new Error(`documentLoader: ${url} is not served offline`);
};
const suite = new DataIntegrityProof({ cryptosuite: createVerifyCryptosuite() });
const checkStatus = async ({ credential }) => {
  const set = statusOf(credential);
  return set.length === 0 ? { verified: true } : { verified: false, error: new Error(`status: ${set.join(',')}`) };
};
const rdfcSuite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 });
const diFiles = filesOf(diDir, '.json').map((file) => [file, suite]);
if (diRdfcDir) {
  const rdfcFiles = filesOf(diRdfcDir, '.json');
  check(rdfcFiles.length > 0, 'eddsa-rdfc-2022 credentials issued');
  for (const file of rdfcFiles) {
    check(readJson(file).proof?.cryptosuite === 'eddsa-rdfc-2022', `${file}: eddsa-rdfc-2022 proof`);
    diFiles.push([file, rdfcSuite]);
  }
}
for (const [file, suite] of diFiles) {
  const credential = readJson(file);
  const result = await vc.verifyCredential({ credential, suite, documentLoader, checkStatus });
  const revoked = credential.credentialSubject.diplomaNumber === revokedNumber;
  if (revoked) {
    check(!result.verified && result.statusResult?.verified === false && result.results?.[0]?.verified === true,
      `${file}: proof valid but revoked`);
  } else {
    check(result.verified, `${file}: @digitalbazaar/vc refused it: ${JSON.stringify(result.error ?? result.results?.[0]?.error, null, 1)?.slice(0, 600)}`);
  }
  const tampered = structuredClone(credential);
  tampered.credentialSubject.name += ' X';
  const bad = await vc.verifyCredential({ credential: tampered, suite, documentLoader, checkStatus });
  check(!bad.verified && bad.results?.[0]?.verified === false, `${file}: a tampered copy verified`);
}

console.log(`issuer peers: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
