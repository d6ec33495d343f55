// SPDX-License-Identifier: GPL-3.0-or-later
// A wallet written with third-party libraries takes credentials from the
// demo ministry of education over OpenID4VCI (jose signs the proofs of
// possession) and checks them as a verifier: jose for VC-JWT and the status
// list, @sd-jwt/sd-jwt-vc for SD-JWT VC, and for Data Integrity the
// eddsa-jcs-2022 cryptosuite through jsonld-signatures (which @digitalbazaar/vc
// uses): the proof and its method's place in the key's did:jwk document.
// @digitalbazaar/vc's own rule that the issuer be the method's controller
// is not met, as the issuer is the ministry's address and the method the
// key's did:jwk.  JSON-LD contexts come from the shared copies, never from
// the network.
//   node services-peer.mjs MOET_URL CONTEXTS_DIR
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createPublicKey, verify } from 'node:crypto';
import { SignJWT, jwtVerify, createLocalJWKSet, exportJWK, generateKeyPair } from 'jose';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { digest } from '@sd-jwt/crypto-nodejs';
import jsigs from 'jsonld-signatures';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { createVerifyCryptosuite } from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';

const [moet, contexts] = process.argv.slice(2);
const REVOKED = 'nguyen-minh-duc.chung-nhan-quan-ly-du-an-phan-mem-2015';
const DEFERRED = 'tuan-sinh-hoat';
let passed = 0, failed = 0;
const check = (ok, what) => { if (ok) passed++; else { failed++; console.log(`FAIL ${what}`); } };
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const getJson = async (url, init) => {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
};

const jwks = await getJson(`${moet}/.well-known/jwks.json`);
const keySet = createLocalJWKSet(jwks);

// The status list, a VC-JWT signed by the ministry.
const listToken = await (await fetch(`${moet}/status/1`)).text();
const { payload: list } = await jwtVerify(listToken, keySet, { typ: 'vc+jwt' });
check(list.issuer === moet && list.type.includes('BitstringStatusListCredential'), 'status list credential');
const bits = gunzipSync(Buffer.from(list.credentialSubject.encodedList.slice(1), 'base64url'));
const revoked = (credential) => [].concat(credential.credentialStatus ?? []).some((entry) => {
  const index = Number.parseInt(entry.statusListIndex, 10);
  return entry.statusListCredential === `${moet}/status/1` && ((bits[index >> 3] >> (7 - (index & 7))) & 1) === 1;
});

// The wallet: its key, the pre-authorized code flow, proofs of possession.
const { publicKey, privateKey } = await generateKeyPair('ES256');
const holder = await exportJWK(publicKey);
const holderDid = `did:jwk:${Buffer.from(JSON.stringify({ crv: holder.crv, kty: holder.kty, x: holder.x, y: holder.y })).toString('base64url')}`;

const signIn = async (person) => {
  const offer = await getJson(`${moet}/offers/${person}`);
  const offerUri = new URL(offer.offer).searchParams.get('credential_offer_uri');
  const credentialOffer = await getJson(offerUri);
  const grant = credentialOffer.grants['urn:ietf:params:oauth:grant-type:pre-authorized_code'];
  return getJson(`${moet}/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code',
      'pre-authorized_code': grant['pre-authorized_code'],
      tx_code: offer.tx_code,
    }),
  });
};
const proof = async () => {
  const { c_nonce: nonce } = await getJson(`${moet}/nonce`, { method: 'POST' });
  return new SignJWT({ aud: moet, nonce })
    .setProtectedHeader({ alg: 'ES256', typ: 'openid4vci-proof+jwt', jwk: holder })
    .setIssuedAt()
    .sign(privateKey);
};
const issue = async (tokens, identifier) => {
  const answer = await getJson(`${moet}/credential`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ credential_identifier: identifier, proofs: { jwt: [await proof()] } }),
  });
  return answer.credentials[0].credential;
};

// Verifiers.
const p256 = jwks.keys.find((k) => k.crv === 'P-256');
const joseVerify = (data, sig) => verify('sha256', Buffer.from(data),
  { key: createPublicKey({ key: p256, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }, Buffer.from(sig, 'base64url'));
const sdjwt = new SDJwtVcInstance({ hasher: digest, hashAlg: 'sha-256', verifier: joseVerify });

const base58 = (bytes) => {
  const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  let n = BigInt(`0x${Buffer.from(bytes).toString('hex')}`), out = '';
  while (n > 0n) { out = alphabet[Number(n % 58n)] + out; n /= 58n; }
  for (const b of bytes) { if (b !== 0) break; out = `1${out}`; }
  return out;
};
const contextFiles = readJson(join(contexts, 'index.json'));
// did:jwk resolved here, for the Ed25519 key the ministry publishes only
const ed25519 = jwks.keys.find((k) => k.crv === 'Ed25519');
const didDocument = (did) => {
  const jwk = JSON.parse(Buffer.from(did.slice('did:jwk:'.length), 'base64url').toString('utf8'));
  if (jwk.x !== ed25519.x) throw new Error(`${did} is not the ministry's key`);
  const method = {
    id: `${did}#0`, type: 'Multikey', controller: did,
    publicKeyMultibase: `z${base58(Buffer.concat([Buffer.from([0xed, 0x01]), Buffer.from(jwk.x, 'base64url')]))}`,
  };
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: did, verificationMethod: [method], assertionMethod: [method.id],
  };
};
const documentLoader = async (url) => {
  const entry = contextFiles[url];
  if (entry) return { contextUrl: null, documentUrl: url, document: readJson(join(contexts, entry.file)) };
  if (url.startsWith('did:jwk:')) {
    const [did, fragment] = url.split('#');
    const document = didDocument(did);
    return {
      contextUrl: null, documentUrl: url,
      document: fragment ? { '@context': 'https://w3id.org/security/multikey/v1', ...document.verificationMethod[0] } : document,
    };
  }
  throw new Error(`documentLoader: ${url} is not served offline`);
};
const suite = new DataIntegrityProof({ cryptosuite: createVerifyCryptosuite() });
const proofValid = async (credential) => {
  const result = await jsigs.verify(credential, { suite, purpose: new jsigs.purposes.AssertionProofPurpose(), documentLoader });
  return { ok: result.verified, error: result.error };
};

for (const person of ['nguyen-minh-duc', 'nguyen-minh-khang']) {
  const tokens = await signIn(person);
  const identifiers = tokens.authorization_details.flatMap((d) => d.credential_identifiers).filter((i) => !i.includes(DEFERRED));
  check(identifiers.length >= 9, `${person}: credential identifiers`);
  for (const identifier of identifiers) {
    const isRevoked = identifier.startsWith(`${REVOKED}.`);
    try {
      const credential = await issue(tokens, identifier);
      if (identifier.endsWith('.jwt_vc_json')) {
        const { payload, protectedHeader } = await jwtVerify(credential, keySet, { typ: 'vc+jwt' });
        check(protectedHeader.alg === 'ES256', `${identifier}: ES256`);
        check(payload.issuer?.id === moet && payload.issuer?.name === 'Bộ Giáo dục và Đào tạo', `${identifier}: issuer`);
        check(payload.credentialSubject.id === holderDid, `${identifier}: bound to the holder`);
        check(revoked(payload) === isRevoked, `${identifier}: status`);
      } else if (identifier.endsWith('.sd_jwt')) {
        const { payload, header } = await sdjwt.verify(credential);
        const claims = await sdjwt.getClaims(credential);
        check(header.typ === 'dc+sd-jwt' && payload.iss === moet, `${identifier}: typ and iss`);
        check(payload.cnf?.jwk?.x === holder.x && payload.cnf?.jwk?.y === holder.y, `${identifier}: cnf is the holder's key`);
        check(revoked(claims) === isRevoked, `${identifier}: status`);
      } else {
        const result = await proofValid(credential);
        check(result.ok, `${identifier}: jsonld-signatures refused the proof: ${JSON.stringify(result.error)?.slice(0, 600)}`);
        check(revoked(credential) === isRevoked, `${identifier}: status`);
        check(credential.credentialSubject.id === holderDid, `${identifier}: bound to the holder`);
        const tampered = structuredClone(credential);
        tampered.credentialSubject.id = 'did:example:someone-else';
        check(!(await proofValid(tampered)).ok, `${identifier}: a tampered copy verified`);
      }
    } catch (e) {
      check(false, `${identifier}: ${e.message}`);
    }
  }
}

console.log(`services peers: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
