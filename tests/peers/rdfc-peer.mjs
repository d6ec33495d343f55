// SPDX-License-Identifier: GPL-3.0-or-later
// @digitalbazaar/vc with the eddsa-rdfc-2022 and ecdsa-rdfc-2019
// cryptosuites, as the other side of Dossier's: it signs Open Badges
// credentials for Dossier to verify, and times its own verification of
// credentials dossier-issuer signed.  JSON-LD contexts come from the shared
// copies only, never from the network.
//   node rdfc-peer.mjs sign CONTEXTS_DIR OUT_DIR COUNT
//     writes OUT_DIR/key.json (the public Multikey, for --trust),
//     OUT_DIR/signed-N.json and OUT_DIR/tampered.json (eddsa-rdfc-2022), and
//     OUT_DIR/ecdsa-P-256.json and ecdsa-P-384.json with their -key.json
//   node rdfc-peer.mjs verify CONTEXTS_DIR DIR
//     verifies every di-*.json of DIR (signed by Dossier, each by its own
//     did:key) and a tampered copy of each, which must fail
//   node rdfc-peer.mjs bench CONTEXTS_DIR SCHOOL_DIR DI_DIR SECONDS
//     verifies every credential of DI_DIR (all must be valid) for SECONDS,
//     and prints "node format=vc-di-rdfc ... per_second=N"
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { cryptosuite as ecdsaRdfc2019 } from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';

const [mode, contexts, ...rest] = process.argv.slice(2);
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const contextFiles = readJson(join(contexts, 'index.json'));
const served = new Map();
const documentLoader = async (url) => {
  const entry = contextFiles[url];
  if (entry) return { contextUrl: null, documentUrl: url, document: readJson(join(contexts, entry.file)) };
  if (served.has(url)) return { contextUrl: null, documentUrl: url, document: served.get(url) };
  throw new Error(`documentLoader: ${url} is not served offline`);
};

// A DID document and its key, served by the loader as a resolver would.
const serveController = (controller, methods) => {
  for (const method of methods) served.set(method.id, { '@context': 'https://w3id.org/security/multikey/v1', ...method });
  served.set(controller, {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: controller,
    verificationMethod: methods,
    assertionMethod: methods.map((m) => m.id),
  });
};

const credentialFor = (issuer, i) => ({
  '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
  id: `urn:uuid:${randomUUID()}`,
  type: ['VerifiableCredential', 'AchievementCredential'],
  name: 'Bằng tốt nghiệp trung học phổ thông',
  issuer: { id: issuer, type: ['Profile'], name: 'Trường THPT Nguyễn Trãi' },
  validFrom: '2026-06-30T00:00:00Z',
  credentialSubject: {
    type: ['AchievementSubject'],
    name: `Học sinh số ${i + 1}`,
    achievement: {
      id: 'https://thpt-nguyentrai.example.edu.vn/achievements/thpt',
      type: ['Achievement'],
      achievementType: 'Diploma',
      name: 'Bằng tốt nghiệp trung học phổ thông',
      description: 'Hoàn thành chương trình giáo dục phổ thông',
      criteria: { narrative: 'Đỗ kỳ thi tốt nghiệp trung học phổ thông' },
    },
  },
});

if (mode === 'sign') {
  const [out, countText] = rest;
  const generated = await Ed25519Multikey.generate();
  const multibase = generated.publicKeyMultibase;
  const controller = `did:key:${multibase}`;
  const exported = await generated.export({ publicKey: true, secretKey: true, includeContext: true });
  const keyPair = await Ed25519Multikey.from({ ...exported, id: `${controller}#${multibase}`, controller });
  const publicKey = await keyPair.export({ publicKey: true, includeContext: true });
  serveController(controller, [{ id: publicKey.id, type: 'Multikey', controller, publicKeyMultibase: multibase }]);
  const suite = new DataIntegrityProof({ signer: keyPair.signer(), cryptosuite: eddsaRdfc2022 });
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'key.json'), JSON.stringify(publicKey, null, 2));
  let last;
  for (let i = 0; i < Number(countText); i++) {
    last = await vc.issue({ credential: credentialFor(controller, i), suite, documentLoader });
    const check = await vc.verifyCredential({ credential: last, suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
      documentLoader });
    if (!check.verified) throw new Error(`the peer's own credential does not verify: ${JSON.stringify(check.error)}`);
    writeFileSync(join(out, `signed-${i}.json`), JSON.stringify(last, null, 2));
  }
  // ecdsa-rdfc-2019 with both curves; several results give the document
  // blank nodes enough that the canonicalization's hash shows in the labels
  for (const curve of ['P-256', 'P-384']) {
    const made = await EcdsaMultikey.generate({ curve });
    const ecController = `did:key:${made.publicKeyMultibase}`;
    const ecExported = await made.export({ publicKey: true, secretKey: true, includeContext: true });
    const ecKey = await EcdsaMultikey.from({ ...ecExported, id: `${ecController}#${made.publicKeyMultibase}`, controller: ecController });
    const ecPublic = await ecKey.export({ publicKey: true, includeContext: true });
    serveController(ecController, [{ id: ecPublic.id, type: 'Multikey', controller: ecController, publicKeyMultibase: made.publicKeyMultibase }]);
    const credential = credentialFor(ecController, 0);
    credential.credentialSubject.result = ['A', 'B', 'C'].map((value) => ({ type: ['Result'], value }));
    const signed = await vc.issue({ credential, suite: new DataIntegrityProof({ signer: ecKey.signer(), cryptosuite: ecdsaRdfc2019 }),
      documentLoader });
    writeFileSync(join(out, `ecdsa-${curve}.json`), JSON.stringify(signed, null, 2));
    writeFileSync(join(out, `ecdsa-${curve}-key.json`), JSON.stringify(ecPublic, null, 2));
  }
  const tampered = structuredClone(last);
  tampered.credentialSubject.achievement.name = 'Bằng thạc sĩ';
  writeFileSync(join(out, 'tampered.json'), JSON.stringify(tampered, null, 2));
  console.log(`signed ${countText} eddsa-rdfc-2022 credentials by ${controller}`);
} else if (mode === 'verify') {
  const [dir] = rest;
  const suites = { 'eddsa-rdfc-2022': eddsaRdfc2022, 'ecdsa-rdfc-2019': ecdsaRdfc2019 };
  const files = readdirSync(dir).filter((n) => n.startsWith('di-') && n.endsWith('.json')).sort();
  let failed = files.length === 0;
  for (const name of files) {
    const credential = readJson(join(dir, name));
    const method = credential.proof.verificationMethod;
    const [controller, multibase] = method.split('#');
    serveController(controller, [{ id: method, type: 'Multikey', controller, publicKeyMultibase: multibase }]);
    const suite = new DataIntegrityProof({ cryptosuite: suites[credential.proof.cryptosuite] });
    const result = await vc.verifyCredential({ credential, suite, documentLoader });
    const tampered = structuredClone(credential);
    tampered.credentialSubject.achievement.name += ' X';
    const bad = await vc.verifyCredential({ credential: tampered, suite, documentLoader });
    if (!result.verified || bad.verified) {
      failed = true;
      console.log(`FAIL ${name}: ${result.verified ? 'a tampered copy verified' : JSON.stringify(result.error ?? result.results?.[0]?.error).slice(0, 400)}`);
    } else {
      console.log(`${name}: verified by @digitalbazaar/vc, its tampered copy refused`);
    }
  }
  process.exit(failed ? 1 : 0);
} else if (mode === 'bench') {
  const [school, dir, secondsText] = rest;
  const did = readJson(join(school, 'did.json'));
  serveController(did.id, did.verificationMethod.filter((m) => m.type === 'Multikey'));
  const files = readdirSync(dir).filter((n) => n.endsWith('.json') && !n.endsWith('.offer.json') && n !== 'issued.json')
    .map((n) => readJson(join(dir, n)));
  const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 });
  const seconds = Number(secondsText);
  const userStart = process.cpuUsage().user;
  const start = process.hrtime.bigint();
  let done = 0, valid = 0, elapsed = 0;
  do {
    for (const credential of files) {
      const result = await vc.verifyCredential({ credential, suite, documentLoader, checkStatus: async () => ({ verified: true }) });
      valid += result.verified ? 1 : 0;
      done++;
    }
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  } while (elapsed < seconds);
  const user = (process.cpuUsage().user - userStart) / 1e6;
  console.log(`node format=vc-di-rdfc files=${files.length} verifications=${done} seconds=${elapsed.toFixed(2)}` +
    ` per_second=${(done / elapsed).toFixed(0)} user_seconds=${user.toFixed(2)} per_user_second=${(done / user).toFixed(0)} valid=${valid}`);
  process.exit(valid === done && done > 0 ? 0 : 1);
} else {
  console.error('usage: rdfc-peer.mjs sign CONTEXTS OUT COUNT | verify CONTEXTS DIR | bench CONTEXTS SCHOOL DI_DIR SECONDS');
  process.exit(2);
}
