// SPDX-License-Identifier: GPL-3.0-or-later
// HCERT (EU DCC) round trips with cbor-x, base45, zlib and node:crypto.
//   node hcert-peer.mjs verify DIR
//     checks the HCERTs dossier-sign wrote (es256.txt, ps256.txt) against
//     their certificates, and that tampered copies fail
//   node hcert-peer.mjs issue DIR KEYS_DIR
//     signs HCERTs (COSE_Sign1 ES256) with the benchmark DSC from KEYS_DIR,
//     a valid one and tampered ones, for dossier-cli verify
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, createPrivateKey, sign, verify, X509Certificate, constants } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { Encoder, Decoder, Tag } from 'cbor-x';
import base45 from 'base45';

const [mode, dir, keysDir] = process.argv.slice(2);
let passed = 0, failed = 0;
const check = (ok, what) => { if (ok) passed++; else { failed++; console.log(`FAIL ${what}`); } };
const encoder = new Encoder({ useRecords: false, mapsAsObjects: false, tagUint8Array: false, variableMapSize: true });
const decoder = new Decoder({ useRecords: false, mapsAsObjects: false });
const sigStructure = (prot, payload) => encoder.encode(['Signature1', prot, Buffer.alloc(0), payload]);

function openHcert(text) {
  if (!text.startsWith('HC1:')) throw new Error('no HC1: prefix');
  const cose = decoder.decode(inflateSync(base45.decode(text.slice(4))));
  if (!(cose instanceof Tag) || cose.tag !== 18 || cose.value.length !== 4) throw new Error('not a tagged COSE_Sign1');
  const [prot, , payload, sig] = cose.value;
  return { header: decoder.decode(prot), prot, payload, sig };
}

function verifyHcert(text, certPem) {
  const { header, prot, payload, sig } = openHcert(text);
  const cert = new X509Certificate(certPem);
  const kid = createHash('sha256').update(cert.raw).digest().subarray(0, 8);
  if (!Buffer.from(header.get(4)).equals(kid)) throw new Error('kid is not the certificate\'s');
  const alg = header.get(1);
  const data = sigStructure(prot, payload);
  const ok = alg === -7
    ? verify('sha256', data, { key: cert.publicKey, dsaEncoding: 'ieee-p1363' }, sig)
    : alg === -37 && verify('sha256', data, { key: cert.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig);
  if (!ok) throw new Error(`signature (alg ${alg}) does not verify`);
  const claims = decoder.decode(payload);
  return { alg, claims, dcc: claims.get(-260).get(1) };
}

function verifyDossier() {
  for (const [name, alg] of [['es256', -7], ['ps256', -37]]) {
    const text = readFileSync(join(dir, `${name}.txt`), 'utf8').trim();
    const pem = readFileSync(join(dir, `${name}.pem`), 'utf8');
    try {
      const result = verifyHcert(text, pem);
      const dcc = result.dcc;
      const now = Date.now() / 1000;
      check(result.alg === alg, `${name}: alg ${result.alg}`);
      check(result.claims.get(1) === 'VN' && result.claims.get(6) <= now && result.claims.get(4) > now, `${name}: CWT claims`);
      check(dcc.get('nam').get('fn') === 'Nguyễn' && dcc.get('v')[0].get('dn') === 2, `${name}: DCC content`);
    } catch (e) {
      check(false, `${name}: the peer refused Dossier's HCERT: ${e.message}`);
    }
    // change one byte of the signed payload and sign nothing again
    const { prot, payload, sig } = openHcert(text);
    const forged = Buffer.from(payload);
    forged[forged.length - 3] ^= 1;
    const tampered = 'HC1:' + base45.encode(deflateSync(encoder.encode(new Tag([prot, new Map(), forged, sig], 18))));
    try { verifyHcert(tampered, pem); check(false, `${name}: tampered payload verified`); } catch { check(true); }
    const otherPem = readFileSync(join(dir, `${name === 'es256' ? 'ps256' : 'es256'}.pem`), 'utf8');
    try { verifyHcert(text, otherPem); check(false, `${name}: verified with another certificate`); } catch { check(true); }
  }
}

function issueForDossier() {
  const jwk = JSON.parse(readFileSync(join(keysDir, 'dcc-dsc-1.jwk.json'), 'utf8'));
  const pem = readFileSync(join(keysDir, 'dcc-dsc-1.crt.pem'), 'utf8');
  const key = createPrivateKey({ key: jwk, format: 'jwk' });
  const kid = createHash('sha256').update(new X509Certificate(pem).raw).digest().subarray(0, 8);
  const now = Math.floor(Date.now() / 1000);
  const dcc = (given) => new Map([
    ['ver', '1.3.0'], ['nam', new Map([['fn', 'Lê'], ['fnt', 'LE'], ['gn', given], ['gnt', given.toUpperCase()]])],
    ['dob', '1985-03-04'],
    ['r', [new Map([['tg', '840539006'], ['fr', '2021-01-10'], ['co', 'VN'], ['is', 'Bo Y te (TEST)'],
      ['df', '2021-01-21'], ['du', '2021-07-09'], ['ci', 'URN:UVCI:01:VN:PEER#1']])]],
  ]);
  const make = ({ signedGiven = 'HOA', shownGiven = signedGiven, exp = now + 86400, kidUsed = kid, flip = false } = {}) => {
    const claims = (given) => encoder.encode(new Map([[1, 'VN'], [4, exp], [6, now - 60], [-260, new Map([[1, dcc(given)]])]]));
    const prot = encoder.encode(new Map([[1, -7], [4, kidUsed]]));
    const sig = sign('sha256', sigStructure(prot, claims(signedGiven)), { key, dsaEncoding: 'ieee-p1363' });
    if (flip) sig[10] ^= 0x40;
    const cose = encoder.encode(new Tag([prot, new Map(), claims(shownGiven), sig], 18));
    return 'HC1:' + base45.encode(deflateSync(cose));
  };
  mkdirSync(join(dir, 'cases'), { recursive: true });
  writeFileSync(join(dir, 'dsc.pem'), pem);
  const cases = {
    'valid': make(),
    'tampered-payload': make({ shownGiven: 'MALLORY' }),
    'tampered-signature': make({ flip: true }),
    'unknown-kid': make({ kidUsed: Buffer.alloc(8, 7) }),
    'expired': make({ exp: now - 30 }),
  };
  for (const [name, text] of Object.entries(cases)) writeFileSync(join(dir, 'cases', `${name}.txt`), text + '\n');
  check(verifyHcert(cases.valid, pem).dcc.get('nam').get('gn') === 'HOA', 'the peer reads its own HCERT');
}

if (mode === 'verify') verifyDossier();
else if (mode === 'issue') issueForDossier();
else { console.error('usage: node hcert-peer.mjs verify DIR | issue DIR KEYS_DIR'); process.exit(2); }
console.log(`hcert ${mode}: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
