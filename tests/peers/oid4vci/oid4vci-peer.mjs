// SPDX-License-Identifier: GPL-3.0-or-later
// An OpenID4VCI issuer built from @sphereon/oid4vci-issuer-server, on
// 127.0.0.1: it issues one VC-JWT by the pre-authorized code flow with a
// transaction code.  Writes its key set and "offer=…", "tx_code=…", "issuer=…" to the files
// named by its arguments once it listens.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import express from 'express';
import { OID4VCIServer } from '@sphereon/oid4vci-issuer-server';
import { VcIssuerBuilder } from '@sphereon/oid4vci-issuer';

const b64u = (data) => Buffer.from(data).toString('base64url');
const decode = (jwt) => {
  const [header, payload] = jwt.split('.');
  return { header: JSON.parse(Buffer.from(header, 'base64url')), payload: JSON.parse(Buffer.from(payload, 'base64url')) };
};
const issuerKey = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const issuerJwk = { ...issuerKey.publicKey.export({ format: 'jwk' }), kid: 'peer-issuer-1', alg: 'ES256', use: 'sig' };
const sign = (header, payload) => {
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}`;
  const signature = crypto.sign('sha256', Buffer.from(input), { key: issuerKey.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64u(signature)}`;
};

const app = express();
const server = http.createServer(app);
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const issuer = new VcIssuerBuilder()
  .withCredentialIssuer(base)
  .withAuthorizationServers(base)
  .withCredentialEndpoint(`${base}/credentials`)
  .withTokenEndpoint(`${base}/token`)
  .withNonceEndpoint(`${base}/nonce`)
  .withIssuerDisplay({ name: 'Peer University', locale: 'en' })
  .withCredentialConfigurationsSupported({
    PeerDegree: {
      format: 'jwt_vc_json',
      credential_definition: { type: ['VerifiableCredential', 'UniversityDegreeCredential'] },
      cryptographic_binding_methods_supported: ['jwk'],
      credential_signing_alg_values_supported: ['ES256'],
      proof_types_supported: { jwt: { proof_signing_alg_values_supported: ['ES256'] } },
      credential_metadata: { display: [{ name: 'Peer degree', locale: 'en' }] },
    },
  })
  .withAuthorizationMetadata({
    issuer: base,
    token_endpoint: `${base}/token`,
    response_types_supported: ['token'],
    grant_types_supported: ['urn:ietf:params:oauth:grant-type:pre-authorized_code'],
    'pre-authorized_grant_anonymous_access_supported': true,
  })
  .withInMemoryCredentialOfferState()
  .withInMemoryCNonceState()
  .withInMemoryCredentialOfferURIState()
  .withJWTVerifyCallback(async ({ jwt }) => {
    const decoded = decode(jwt);
    const [input, signature] = [jwt.split('.').slice(0, 2).join('.'), jwt.split('.')[2]];
    const key = decoded.header.jwk
      ? crypto.createPublicKey({ key: decoded.header.jwk, format: 'jwk' })
      : issuerKey.publicKey;
    if (!crypto.verify('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url')))
      throw new Error('bad signature');
    return { jwt: decoded, alg: decoded.header.alg, jwk: decoded.header.jwk };
  })
  .withCredentialDataSupplier(async () => ({
    format: 'jwt_vc_json',
    credential: {
      '@context': ['https://www.w3.org/2018/credentials/v1'],
      type: ['VerifiableCredential', 'UniversityDegreeCredential'],
      issuer: base,
      issuanceDate: new Date().toISOString(),
      credentialSubject: { name: 'Trần Thị Mai', degree: { type: 'BachelorDegree', name: 'Cử nhân Toán học' } },
    },
  }))
  .withCredentialSignerCallback(async ({ credential, jwtVerifyResult }) => {
    const holder = jwtVerifyResult.jwk ? `did:jwk:${b64u(JSON.stringify(jwtVerifyResult.jwk))}` : undefined;
    const now = Math.floor(Date.now() / 1000);
    const vc = { ...credential, credentialSubject: { ...credential.credentialSubject, id: holder } };
    return sign({ alg: 'ES256', typ: 'JWT', kid: issuerJwk.kid },
      { iss: base, sub: holder, nbf: now, iat: now, jti: `urn:uuid:${crypto.randomUUID()}`, vc });
  })
  .build();

const expressSupport = {
  express: app, port: server.address().port, hostname: '127.0.0.1', startListening: false,
  start: () => ({ server }), stop: async () => true,
};
app.use(express.json());
app.use(express.urlencoded({ extended: true }));
new OID4VCIServer(expressSupport, {
  issuer,
  baseUrl: base,
  endpointOpts: {
    tokenEndpointOpts: {
      accessTokenSignerCallback: async (jwt) => sign(jwt.header, jwt.payload),
      accessTokenIssuer: base,
      tokenExpiresIn: 300,
      preAuthorizedCodeExpirationDuration: 300000,
    },
    createCredentialOfferOpts: { enabled: false },
    getIssuePayloadOpts: { enabled: false },
  },
});
app.get('/.well-known/jwks.json', (req, res) => res.json({ keys: [issuerJwk] }));

const offer = await issuer.createCredentialOfferURI({
  credential_configuration_ids: ['PeerDegree'],
  grants: { 'urn:ietf:params:oauth:grant-type:pre-authorized_code': { 'pre-authorized_code': crypto.randomUUID(), tx_code: { input_mode: 'numeric', length: 4 } } },
  scheme: 'openid-credential-offer',
});
// the library logs its events on stdout: what the test reads goes to files
const [jwksFile, startedFile] = process.argv.slice(2);
fs.writeFileSync(jwksFile, JSON.stringify({ keys: [issuerJwk] }));
fs.writeFileSync(`${startedFile}.tmp`, `offer=${offer.uri}\ntx_code=${offer.userPin}\nissuer=${base}\n`);
fs.renameSync(`${startedFile}.tmp`, startedFile);
