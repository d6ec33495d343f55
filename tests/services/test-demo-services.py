#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Drives dossier-demo-services over plain HTTP as a wallet and a browser
would: metadata, the consent page, the OAuth flows with PKCE, OpenID4VCI
issuance with proofs of possession (the credentials then checked by
dossier-cli verify against the ministry's keys), FHIR reads and paging,
SMART Health Cards, SMART Health Links, the fault endpoints and malformed
requests.

    test-demo-services.py SERVICES_EXE CLI_EXE DEMO_DATA_DIR"""
import base64
import hashlib
import html.parser
import http.client
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

SERVICES, CLI, DEMO = sys.argv[1:4] if len(sys.argv) >= 4 else (None, None, None)
REDIRECT = 'http://127.0.0.1:49152/callback'


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode()


def unb64(text):
    return base64.urlsafe_b64decode(text + '=' * (-len(text) % 4))


def jwt_payload(token):
    return json.loads(unb64(token.split('~')[0].split('.')[1]))


def es256_valid(token, jwk):
    """Whether the compact JWS @token is signed ES256 by the P-256 @jwk."""
    signing_input, _, signature = token.rpartition('.')
    raw = unb64(signature)
    numbers = ec.EllipticCurvePublicNumbers(int.from_bytes(unb64(jwk['x']), 'big'), int.from_bytes(unb64(jwk['y']), 'big'),
                                            ec.SECP256R1())
    try:
        numbers.public_key().verify(encode_dss_signature(int.from_bytes(raw[:32], 'big'), int.from_bytes(raw[32:], 'big')),
                                    signing_input.encode(), ec.ECDSA(hashes.SHA256()))
        return True
    except Exception:
        return False


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def request(url, data=None, headers=None, method=None, form=None, body_json=None):
    """(status, headers, body bytes) of one request; never raises on HTTP errors."""
    headers = dict(headers or {})
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers['Content-Type'] = 'application/x-www-form-urlencoded'
    if body_json is not None:
        data = json.dumps(body_json).encode()
        headers['Content-Type'] = 'application/json'
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with OPENER.open(req, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def get_json(url, token=None, expect=200):
    status, headers, body = request(url, headers={'Authorization': 'Bearer ' + token} if token else None)
    assert status == expect, (url, status, body[:300])
    return json.loads(body)


class Holder:
    """A wallet's P-256 key and the proofs of possession it signs."""

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        numbers = self.key.public_key().public_numbers()
        self.jwk = {'kty': 'EC', 'crv': 'P-256',
                    'x': b64(numbers.x.to_bytes(32, 'big')), 'y': b64(numbers.y.to_bytes(32, 'big'))}

    def sign(self, header, payload):
        signing_input = b64(json.dumps(header).encode()) + '.' + b64(json.dumps(payload).encode())
        r, s = decode_dss_signature(self.key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
        return signing_input + '.' + b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))

    def proof(self, audience, nonce, iat=None, typ='openid4vci-proof+jwt'):
        return self.sign({'alg': 'ES256', 'typ': typ, 'jwk': self.jwk},
                         {'aud': audience, 'nonce': nonce, 'iat': int(iat if iat is not None else time.time())})

    def did(self):
        return 'did:jwk:' + b64(json.dumps(self.jwk, separators=(',', ':'), sort_keys=True).encode())


class ConsentForm(html.parser.HTMLParser):
    """The one form of a consent page: its action, hidden inputs, people and buttons."""

    def __init__(self):
        super().__init__()
        self.forms, self.fields, self.people, self.decisions = [], {}, [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == 'form':
            self.forms.append((attrs.get('method'), attrs.get('action')))
        elif tag == 'input' and attrs.get('type') == 'hidden':
            self.fields[attrs['name']] = attrs.get('value', '')
        elif tag == 'option':
            self.people.append(attrs.get('value'))
        elif tag == 'button' and attrs.get('name') == 'decision':
            self.decisions.append(attrs.get('value'))


class Services:
    def __init__(self, *args):
        # warnings are fatal (G_DEBUG in the test environment): a critical ends the server
        self.process = subprocess.Popen([SERVICES, '--data', DEMO] + list(args), stdout=subprocess.PIPE, text=True)
        self.lines = [self.process.stdout.readline().rstrip('\n') for _ in range(3)]
        urls = dict(line.split('=', 1) for line in self.lines if '=' in line)
        self.moet, self.moh, self.shl = urls.get('moet'), urls.get('moh'), urls.get('shl')

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process.stdout.close()


def pkce():
    verifier = b64(secrets.token_bytes(32))
    return verifier, b64(hashlib.sha256(verifier.encode()).digest())


def authorize(base, person, decision='allow', extra=None, challenge=None, state='st-123'):
    """Walks the consent page as a browser: GET it, parse the form, POST it;
    the redirect's query."""
    params = {'response_type': 'code', 'client_id': 'dossier', 'redirect_uri': REDIRECT, 'state': state,
              'code_challenge': challenge, 'code_challenge_method': 'S256'}
    params.update(extra or {})
    status, _, body = request(base + '/authorize?' + urllib.parse.urlencode(params))
    assert status == 200, (status, body[:300])
    form = ConsentForm()
    form.feed(body.decode())
    assert len(form.forms) == 1 and form.forms[0][0] == 'post', form.forms
    assert sorted(form.decisions) == ['allow', 'deny'], form.decisions
    assert person in form.people, form.people
    fields = dict(form.fields, person=person, decision=decision)
    status, headers, body = request(urllib.parse.urljoin(base + '/authorize', form.forms[0][1]), form=fields)
    assert status == 302, (status, body[:300])
    location = headers['Location']
    assert location.startswith(REDIRECT + '?'), location
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query)), form


def verify(path, trust):
    result = subprocess.run([CLI, 'verify', '--json', '--trust', trust, path], capture_output=True, text=True, timeout=60)
    return json.loads(result.stdout.splitlines()[0])


class DemoServicesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.services = Services('--faults')
        cls.tmp = tempfile.TemporaryDirectory()
        cls.moet_jwks = os.path.join(DEMO, 'services', 'moet-jwks.json')
        cls.moh_jwks = os.path.join(DEMO, 'services', 'moh-jwks.json')
        with open(os.path.join(DEMO, 'people.json'), encoding='utf-8') as f:
            cls.people = [p['id'] for p in json.load(f)]

    @classmethod
    def tearDownClass(cls):
        cls.services.stop()
        cls.tmp.cleanup()

    def write(self, name, text):
        path = os.path.join(self.tmp.name, name)
        with open(path, 'w', encoding='utf-8') as f:
            f.write(text)
        return path

    # --- the three lines, metadata -------------------------------------------------------------

    def test_lines(self):
        s = self.services
        self.assertEqual(len(s.lines), 3)
        port = s.moet.split(':')[2].split('/')[0]
        self.assertEqual(s.lines, ['moet=http://127.0.0.1:%s/moet' % port, 'moh=http://127.0.0.1:%s/moh' % port,
                                   'shl=http://127.0.0.1:%s/shl' % port])

    def test_moet_metadata(self):
        moet = self.services.moet
        for url in (moet + '/.well-known/openid-credential-issuer',
                    moet.replace('/moet', '/.well-known/openid-credential-issuer/moet')):
            meta = get_json(url)
            self.assertEqual(meta['credential_issuer'], moet)
            self.assertEqual(meta['credential_endpoint'], moet + '/credential')
            self.assertEqual(meta['nonce_endpoint'], moet + '/nonce')
            self.assertEqual(meta['deferred_credential_endpoint'], moet + '/deferred_credential')
            self.assertNotIn('authorization_servers', meta)
            self.assertEqual({d['locale'] for d in meta['display']}, {'vi', 'en'})
            self.assertIn('Bộ Giáo dục và Đào tạo', [d['name'] for d in meta['display']])
            formats = {c['format'] for c in meta['credential_configurations_supported'].values()}
            self.assertEqual(formats, {'jwt_vc_json', 'dc+sd-jwt', 'ldp_vc'})
            for config in meta['credential_configurations_supported'].values():
                self.assertEqual(config['proof_types_supported']['jwt']['proof_signing_alg_values_supported'], ['ES256'])
        for url in (moet + '/.well-known/oauth-authorization-server',
                    moet.replace('/moet', '/.well-known/oauth-authorization-server/moet')):
            meta = get_json(url)
            self.assertEqual(meta['issuer'], moet)
            self.assertEqual(meta['authorization_endpoint'], moet + '/authorize')
            self.assertEqual(meta['token_endpoint'], moet + '/token')
            self.assertEqual(meta['revocation_endpoint'], moet + '/revoke')
            self.assertEqual(meta['code_challenge_methods_supported'], ['S256'])
            self.assertIs(meta['pre-authorized_grant_anonymous_access_supported'], True)
            self.assertEqual(set(meta['grant_types_supported']),
                             {'authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:pre-authorized_code'})
        jwks = get_json(moet + '/.well-known/jwks.json')
        with open(self.moet_jwks, encoding='utf-8') as f:
            self.assertEqual(jwks, json.load(f))
        did = get_json(moet + '/did.json')
        self.assertEqual(len(did['verificationMethod']), 2)

    # --- OpenID4VCI ------------------------------------------------------------------------------

    def pre_authorized_token(self, person):
        offer = get_json(self.services.moet + '/offers/' + person)
        self.assertRegex(offer['tx_code'], r'^[0-9]{6}$')
        self.assertTrue(offer['offer'].startswith('openid-credential-offer://?credential_offer_uri='))
        uri = urllib.parse.parse_qs(urllib.parse.urlsplit(offer['offer']).query)['credential_offer_uri'][0]
        credential_offer = get_json(uri)
        self.assertEqual(credential_offer['credential_issuer'], self.services.moet)
        grant = credential_offer['grants']['urn:ietf:params:oauth:grant-type:pre-authorized_code']
        self.assertEqual(grant['tx_code']['input_mode'], 'numeric')
        self.assertEqual(grant['tx_code']['length'], 6)
        self.assertTrue(credential_offer['credential_configuration_ids'])
        code = grant['pre-authorized_code']
        form = {'grant_type': 'urn:ietf:params:oauth:grant-type:pre-authorized_code', 'pre-authorized_code': code}
        wrong = '%06d' % ((int(offer['tx_code']) + 1) % 1000000)
        status, _, body = request(self.services.moet + '/token', form=dict(form, tx_code=wrong))
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(body)['error'], 'invalid_grant')
        status, _, body = request(self.services.moet + '/token', form=dict(form, tx_code=offer['tx_code']))
        self.assertEqual(status, 200, body)
        tokens = json.loads(body)
        # the code is spent
        status, _, _ = request(self.services.moet + '/token', form=dict(form, tx_code=offer['tx_code']))
        self.assertEqual(status, 400)
        return tokens

    def nonce(self):
        status, _, body = request(self.services.moet + '/nonce', data=b'', method='POST')
        self.assertEqual(status, 200)
        return json.loads(body)['c_nonce']

    def credential(self, token, holder, expect=200, **selector):
        body = dict(selector, proofs={'jwt': [holder.proof(self.services.moet, self.nonce())]})
        status, _, data = request(self.services.moet + '/credential', body_json=body,
                                  headers={'Authorization': 'Bearer ' + token})
        self.assertEqual(status, expect, data[:400])
        return json.loads(data)

    def identifiers(self, tokens):
        found = {}
        for detail in tokens['authorization_details']:
            self.assertEqual(detail['type'], 'openid_credential')
            for identifier in detail['credential_identifiers']:
                found[identifier] = detail['credential_configuration_id']
        return found

    def test_pre_authorized_issuance(self):
        tokens = self.pre_authorized_token('nguyen-minh-khang')
        ids = self.identifiers(tokens)
        self.assertEqual(ids, self.identifiers(self.pre_authorized_token('nguyen-minh-khang')), 'identifiers are stable')
        holder = Holder()
        checked = set()
        for identifier, config in sorted(ids.items()):
            if 'tuan-sinh-hoat' in identifier:
                continue    # the deferred one
            fmt = identifier.rsplit('.', 1)[1]
            self.assertTrue(config.endswith('_' + fmt), (identifier, config))
            if fmt in checked:
                continue
            checked.add(fmt)
            issued = self.credential(tokens['access_token'], holder, credential_identifier=identifier)
            self.assertEqual(len(issued['credentials']), 1)
            credential = issued['credentials'][0]['credential']
            if fmt == 'sd_jwt':
                self.assertEqual(jwt_payload(credential)['cnf']['jwk']['x'], holder.jwk['x'])
                path = self.write('c.sd-jwt', credential)
            elif fmt == 'ldp_vc':
                self.assertEqual(credential['credentialSubject']['id'], holder.did())
                self.assertEqual(credential['proof']['cryptosuite'], 'eddsa-jcs-2022')
                self.assertTrue(credential['proof']['verificationMethod'].startswith('did:jwk:'))
                path = self.write('c.json', json.dumps(credential, ensure_ascii=False))
            else:
                self.assertEqual(jwt_payload(credential)['credentialSubject']['id'], holder.did())
                path = self.write('c.jwt', credential)
            result = verify(path, self.moet_jwks)
            self.assertEqual(result['verdict'], 'valid', (fmt, result))
            self.assertTrue(result['issuer']['trusted'], result)
        self.assertEqual(checked, {'jwt_vc_json', 'sd_jwt', 'ldp_vc'})

    def test_revoked_and_status_list(self):
        tokens = self.pre_authorized_token('nguyen-minh-duc')
        ids = self.identifiers(tokens)
        holder = Holder()
        status = self.write('status.jwt', request(self.services.moet + '/status/1')[2].decode())
        verdicts = {}
        for identifier in sorted(i for i in ids if i.endswith('.jwt_vc_json')):
            issued = self.credential(tokens['access_token'], holder, credential_identifier=identifier)
            path = self.write('s.jwt', issued['credentials'][0]['credential'])
            result = subprocess.run([CLI, 'verify', '--json', '--trust', self.moet_jwks, '--trust', status, path],
                                    capture_output=True, text=True, timeout=60)
            result = json.loads(result.stdout)
            self.assertTrue(result['status_checked'], result)
            verdicts[identifier] = (result['verdict'], (result['error'] or {}).get('code'))
        revoked = [i for i, v in verdicts.items() if v == ('invalid', 'revoked')]
        self.assertEqual(revoked, ['nguyen-minh-duc.chung-nhan-quan-ly-du-an-phan-mem-2015.jwt_vc_json'], verdicts)
        self.assertEqual(sum(v[0] == 'valid' for v in verdicts.values()), len(verdicts) - 1, verdicts)

    def test_configuration_request_and_names(self):
        tokens = self.pre_authorized_token('tran-thi-thu-ha')
        issued = self.credential(tokens['access_token'], Holder(), credential_configuration_id='degree_jwt_vc_json')
        self.assertEqual(len(issued['credentials']), 1)
        subject = jwt_payload(issued['credentials'][0]['credential'])['credentialSubject']
        self.assertEqual(subject['name'], 'Trần Thị Thu Hà')
        issuer = jwt_payload(issued['credentials'][0]['credential'])['issuer']
        self.assertEqual(issuer['name'], 'Bộ Giáo dục và Đào tạo')
        # another person's credential is refused
        other = self.identifiers(self.pre_authorized_token('nguyen-minh-duc'))
        self.credential(tokens['access_token'], Holder(), expect=400, credential_identifier=sorted(other)[0])

    def test_deferred(self):
        tokens = self.pre_authorized_token('nguyen-minh-khang')
        identifier = [i for i in self.identifiers(tokens) if 'tuan-sinh-hoat' in i and i.endswith('.sd_jwt')][0]
        holder = Holder()
        body = {'credential_identifier': identifier,
                'proofs': {'jwt': [holder.proof(self.services.moet, self.nonce())]}}
        auth = {'Authorization': 'Bearer ' + tokens['access_token']}
        status, _, data = request(self.services.moet + '/credential', body_json=body, headers=auth)
        self.assertEqual(status, 202, data)
        pending = json.loads(data)
        self.assertEqual(pending['interval'], 1)
        url = self.services.moet + '/deferred_credential'
        status, _, data = request(url, body_json={'transaction_id': pending['transaction_id']}, headers=auth)
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(data)['error'], 'issuance_pending')
        status, _, data = request(url, body_json={'transaction_id': pending['transaction_id']}, headers=auth)
        self.assertEqual(status, 200, data)
        credential = json.loads(data)['credentials'][0]['credential']
        self.assertEqual(jwt_payload(credential)['cnf']['jwk']['x'], holder.jwk['x'])
        self.assertEqual(verify(self.write('d.sd-jwt', credential), self.moet_jwks)['verdict'], 'valid')
        # done: the transaction is gone
        status, _, _ = request(url, body_json={'transaction_id': pending['transaction_id']}, headers=auth)
        self.assertEqual(status, 400)

    def test_proofs_refused(self):
        tokens = self.pre_authorized_token('nguyen-minh-khang')
        identifier = sorted(self.identifiers(tokens))[0]
        holder = Holder()
        auth = {'Authorization': 'Bearer ' + tokens['access_token']}
        moet = self.services.moet
        cases = {
            'stale nonce': holder.proof(moet, 'not-a-nonce'),
            'wrong audience': holder.proof('http://127.0.0.1:1/other', self.nonce()),
            'old iat': holder.proof(moet, self.nonce(), iat=time.time() - 3600),
            'wrong typ': holder.proof(moet, self.nonce(), typ='JWT'),
            'bad signature': holder.proof(moet, self.nonce())[:-6] + 'AAAAAA',
            'not a JWT': 'garbage',
        }
        for name, proof in cases.items():
            status, _, data = request(moet + '/credential', headers=auth,
                                      body_json={'credential_identifier': identifier, 'proofs': {'jwt': [proof]}})
            self.assertEqual(status, 400, name)
            self.assertEqual(json.loads(data)['error'], 'invalid_proof', name)
        # a nonce serves once
        nonce = self.nonce()
        body = {'credential_identifier': identifier, 'proofs': {'jwt': [holder.proof(moet, nonce)]}}
        self.assertEqual(request(moet + '/credential', headers=auth, body_json=body)[0], 200)
        body = {'credential_identifier': identifier, 'proofs': {'jwt': [holder.proof(moet, nonce)]}}
        self.assertEqual(request(moet + '/credential', headers=auth, body_json=body)[0], 400)
        # no token, a wrong token
        self.assertEqual(request(moet + '/credential', body_json=body)[0], 401)
        self.assertEqual(request(moet + '/credential', body_json=body, headers={'Authorization': 'Bearer nope'})[0], 401)

    # --- authorization code flows ---------------------------------------------------------------

    def exchange(self, base, person, extra=None, verifier_change=None, redirect=REDIRECT):
        verifier, challenge = pkce()
        query, _ = authorize(base, person, extra=extra, challenge=challenge)
        self.assertEqual(query['state'], 'st-123')
        form = {'grant_type': 'authorization_code', 'code': query['code'], 'redirect_uri': redirect,
                'client_id': 'dossier', 'code_verifier': verifier_change or verifier}
        status, _, body = request(base + '/token', form=form)
        return status, json.loads(body), form

    def test_moet_authorization_code(self):
        moet = self.services.moet
        details = json.dumps([{'type': 'openid_credential', 'credential_configuration_id': 'diploma_ldp_vc'}])
        status, tokens, _ = self.exchange(moet, 'nguyen-minh-khang', extra={'scope': 'degree_sd_jwt diploma_sd_jwt offline_access'})
        self.assertEqual(status, 200, tokens)
        self.assertEqual([d['credential_configuration_id'] for d in tokens['authorization_details']], ['diploma_sd_jwt'])
        self.assertEqual(len(tokens['authorization_details'][0]['credential_identifiers']), 2)
        status, tokens, form = self.exchange(moet, 'nguyen-minh-duc', extra={'authorization_details': details})
        self.assertEqual(status, 200, tokens)
        self.assertEqual(tokens['token_type'], 'Bearer')
        self.assertEqual([d['credential_configuration_id'] for d in tokens['authorization_details']], ['diploma_ldp_vc'])
        self.assertEqual(tokens['authorization_details'][0]['credential_identifiers'],
                         ['nguyen-minh-duc.bang-tot-nghiep-thpt-1996.ldp_vc'])
        # code reuse refused
        status, _, body = request(moet + '/token', form=form)
        self.assertEqual((status, json.loads(body)['error']), (400, 'invalid_grant'))
        # the refresh token rotates
        refresh = {'grant_type': 'refresh_token', 'refresh_token': tokens['refresh_token'], 'client_id': 'dossier'}
        status, _, body = request(moet + '/token', form=refresh)
        self.assertEqual(status, 200, body)
        renewed = json.loads(body)
        self.assertNotEqual(renewed['refresh_token'], tokens['refresh_token'])
        self.assertEqual(renewed['authorization_details'], tokens['authorization_details'])
        self.assertEqual(request(moet + '/token', form=refresh)[0], 400)
        issued = self.credential(renewed['access_token'], Holder(),
                                 credential_identifier='nguyen-minh-duc.bang-tot-nghiep-thpt-1996.ldp_vc')
        self.assertEqual(issued['credentials'][0]['credential']['credentialSubject']['name'], 'Nguyễn Minh Đức')

    def test_pkce_and_redirect_checks(self):
        for base in (self.services.moet, self.services.moh):
            status, body, _ = self.exchange(base, 'nguyen-minh-duc', verifier_change=b64(secrets.token_bytes(32)))
            self.assertEqual((status, body['error']), (400, 'invalid_grant'))
            status, body, _ = self.exchange(base, 'nguyen-minh-duc', redirect='http://127.0.0.1:49152/other')
            self.assertEqual((status, body['error']), (400, 'invalid_grant'))
            # redirect_uri must be loopback http; PKCE S256 is required
            _, challenge = pkce()
            good = {'response_type': 'code', 'client_id': 'dossier', 'redirect_uri': REDIRECT, 'state': 's',
                    'code_challenge': challenge, 'code_challenge_method': 'S256'}
            for change in ({'redirect_uri': 'https://evil.example/cb'}, {'redirect_uri': 'http://10.0.0.1/cb'},
                           {'code_challenge_method': 'plain'}, {'code_challenge': ''}, {'response_type': 'token'}):
                status, headers, _ = request(base + '/authorize?' + urllib.parse.urlencode(dict(good, **change)))
                self.assertEqual(status, 400, change)
                self.assertIsNone(headers.get('Location'))

    def test_deny(self):
        for base in (self.services.moet, self.services.moh):
            _, challenge = pkce()
            query, form = authorize(base, 'nguyen-minh-khang', decision='deny', challenge=challenge)
            self.assertEqual(query, {'error': 'access_denied', 'state': 'st-123'})
            self.assertEqual(sorted(form.people), sorted(self.people))
            self.assertEqual(form.fields['redirect_uri'], REDIRECT)

    # --- ministry of health ---------------------------------------------------------------------

    def moh_tokens(self, person):
        status, tokens, _ = self.exchange(self.services.moh, person,
                                          extra={'scope': 'openid fhirUser launch/patient patient/*.rs offline_access',
                                                 'nonce': 'n-42'})
        self.assertEqual(status, 200, tokens)
        claims = jwt_payload(tokens['id_token'])
        self.assertEqual((claims['iss'], claims['aud'], claims['nonce']), (self.services.moh, 'dossier', 'n-42'))
        self.assertEqual(claims['fhirUser'], self.services.moh + '/fhir/Patient/' + tokens['patient'])
        with open(self.moh_jwks, encoding='utf-8') as f:
            self.assertTrue(es256_valid(tokens['id_token'], json.load(f)['keys'][0]))
        with open(self.moet_jwks, encoding='utf-8') as f:
            self.assertFalse(es256_valid(tokens['id_token'], json.load(f)['keys'][0]))
        return tokens

    def test_moh_metadata(self):
        moh = self.services.moh
        for url in (moh + '/.well-known/smart-configuration', moh + '/.well-known/openid-configuration',
                    moh.replace('/moh', '/.well-known/oauth-authorization-server/moh')):
            meta = get_json(url)
            self.assertEqual(meta['issuer'], moh)
            self.assertEqual(meta['authorization_endpoint'], moh + '/authorize')
            self.assertEqual(meta['token_endpoint'], moh + '/token')
            self.assertEqual(meta['revocation_endpoint'], moh + '/revoke')
            self.assertEqual(meta['code_challenge_methods_supported'], ['S256'])
            for capability in ('launch-standalone', 'client-public', 'context-standalone-patient', 'permission-patient'):
                self.assertIn(capability, meta['capabilities'])
            for scope in ('openid', 'fhirUser', 'launch/patient', 'patient/*.rs', 'offline_access'):
                self.assertIn(scope, meta['scopes_supported'])
        status, headers, body = request(moh + '/fhir/metadata')
        self.assertEqual(status, 200)
        self.assertTrue(headers['Content-Type'].startswith('application/fhir+json'))
        statement = json.loads(body)
        self.assertEqual(statement['resourceType'], 'CapabilityStatement')
        operations = {o['name'] for r in statement['rest'][0]['resource'] for o in r.get('operation', [])}
        self.assertEqual(operations, {'summary', 'everything', 'health-cards-issue'})

    def bundle_resources(self, person_folder):
        found = set()
        for name in os.listdir(os.path.join(DEMO, person_folder)):
            if name.endswith('.json'):
                with open(os.path.join(DEMO, person_folder, name), encoding='utf-8') as f:
                    data = json.load(f)
                if data.get('resourceType') == 'Bundle':
                    found |= {(e['resource']['resourceType'], e['resource']['id']) for e in data['entry']}
        return found

    def collect(self, url, token):
        seen, pages = [], 0
        while url:
            page = get_json(url, token)
            self.assertEqual(page['type'], 'searchset')
            seen += [(e['resource']['resourceType'], e['resource']['id']) for e in page.get('entry', [])]
            pages += 1
            url = next((l['url'] for l in page['link'] if l['relation'] == 'next'), None)
            if url:
                self.assertTrue(url.startswith(self.services.moh + '/fhir/'), url)
        return seen, pages

    def test_moh_everything_and_summary(self):
        tokens = self.moh_tokens('nguyen-gia-huy')
        patient = tokens['patient']
        base = self.services.moh + '/fhir'
        expected = self.bundle_resources('Nguyễn Gia Huy')
        self.assertIn(('Patient', patient), expected)
        seen, pages = self.collect(base + '/Patient/%s/$everything' % patient, tokens['access_token'])
        self.assertGreater(pages, 1)
        self.assertEqual(len(seen), len(set(seen)))
        self.assertEqual(set(seen), expected)
        seen, pages = self.collect(base + '/Patient/%s/$everything?_count=3' % patient, tokens['access_token'])
        self.assertEqual(set(seen), expected)
        self.assertEqual(pages, (len(expected) + 2) // 3)
        summary = get_json(base + '/Patient/%s/$summary' % patient, tokens['access_token'])
        self.assertEqual(summary['type'], 'document')
        self.assertEqual(summary['entry'][0]['resource']['resourceType'], 'Composition')
        self.assertEqual({(e['resource']['resourceType'], e['resource']['id']) for e in summary['entry'][1:]}, expected)
        read = get_json(base + '/Patient/' + patient, tokens['access_token'])
        self.assertEqual(read['name'][0]['text'] if 'text' in read['name'][0] else read['name'][0]['family'],
                         read['name'][0].get('text', read['name'][0]['family']))
        # references point at the server's resources
        for entry in summary['entry'][1:]:
            subject = entry['resource'].get('patient') or entry['resource'].get('subject')
            if subject:
                self.assertEqual(subject['reference'], 'Patient/' + patient)

    def test_moh_searches(self):
        tokens = self.moh_tokens('nguyen-minh-duc')
        patient = tokens['patient']
        base = self.services.moh + '/fhir'
        expected = self.bundle_resources('Nguyễn Minh Đức')
        for kind in ('Immunization', 'Observation', 'MedicationStatement', 'AllergyIntolerance', 'Condition', 'Encounter'):
            seen, _ = self.collect(base + '/%s?patient=%s&_count=4' % (kind, patient), tokens['access_token'])
            self.assertEqual(set(seen), {r for r in expected if r[0] == kind}, kind)
            self.assertTrue(seen, kind)

    def test_moh_access_control(self):
        duc = self.moh_tokens('nguyen-minh-duc')
        ha = self.moh_tokens('tran-thi-thu-ha')
        base = self.services.moh + '/fhir'
        self.assertEqual(request(base + '/Patient/' + duc['patient'])[0], 401)
        self.assertEqual(request(base + '/Patient/' + duc['patient'], headers={'Authorization': 'Bearer x'})[0], 401)
        auth = {'Authorization': 'Bearer ' + ha['access_token']}
        self.assertEqual(request(base + '/Patient/' + duc['patient'], headers=auth)[0], 403)
        self.assertEqual(request(base + '/Patient/%s/$everything' % duc['patient'], headers=auth)[0], 403)
        self.assertEqual(request(base + '/Immunization?patient=' + duc['patient'], headers=auth)[0], 403)
        # a moet token is not a moh token
        moet = self.pre_authorized_token('nguyen-minh-duc')
        self.assertEqual(request(base + '/Patient/' + duc['patient'],
                                 headers={'Authorization': 'Bearer ' + moet['access_token']})[0], 401)
        # revocation (RFC 7009)
        status, _, _ = request(self.services.moh + '/revoke', form={'token': ha['access_token']})
        self.assertEqual(status, 200)
        self.assertEqual(request(base + '/Patient/' + ha['patient'], headers=auth)[0], 401)
        refresh = {'grant_type': 'refresh_token', 'refresh_token': duc['refresh_token'], 'client_id': 'dossier'}
        status, _, body = request(self.services.moh + '/token', form=refresh)
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body)['patient'], duc['patient'])

    def test_health_cards(self):
        tokens = self.moh_tokens('nguyen-gia-huy')
        url = self.services.moh + '/fhir/Patient/%s/$health-cards-issue' % tokens['patient']
        parameters = {'resourceType': 'Parameters',
                      'parameter': [{'name': 'credentialType', 'valueUri': 'https://smarthealth.cards#immunization'}]}
        status, headers, body = request(url, data=json.dumps(parameters).encode(), method='POST',
                                        headers={'Authorization': 'Bearer ' + tokens['access_token'],
                                                 'Content-Type': 'application/fhir+json'})
        self.assertEqual(status, 200, body)
        out = json.loads(body)
        self.assertEqual(out['resourceType'], 'Parameters')
        cards = [p['valueString'] for p in out['parameter'] if p['name'] == 'verifiableCredential']
        self.assertEqual(len(cards), 1)
        result = verify(self.write('card.smart-health-card', json.dumps({'verifiableCredential': cards})), self.moh_jwks)
        self.assertEqual(result['verdict'], 'valid', result)
        self.assertEqual(result['issuer']['id'], self.services.moh)
        immunizations = {r for r in self.bundle_resources('Nguyễn Gia Huy') if r[0] == 'Immunization'}
        self.assertEqual(len(result['records']), len(immunizations), result['records'])
        # the Parameters must name a credential type
        status, _, body = request(url, data=b'{"resourceType": "Parameters", "parameter": []}', method='POST',
                                  headers={'Authorization': 'Bearer ' + tokens['access_token'],
                                           'Content-Type': 'application/fhir+json'})
        self.assertEqual((status, json.loads(body)['resourceType']), (400, 'OperationOutcome'))
        # not with the ministry of education's keys
        self.assertNotEqual(verify(self.write('card2.smart-health-card', json.dumps({'verifiableCredential': cards})),
                                   self.moet_jwks)['verdict'], 'valid')

    # --- SMART Health Links ---------------------------------------------------------------------

    def test_shl(self):
        jwe = 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..' + b64(b'iv-iv-iv-iv-') + '.' + b64(b'cipher') + '.' + b64(b'tag-tag-tag-tag-')
        status, _, body = request(self.services.shl + '/links?passcode=1234', data=jwe.encode(), method='POST',
                                  headers={'Content-Type': 'application/jose'})
        self.assertEqual(status, 201, body)
        link = json.loads(body)
        status, _, body = request(link['manifest'], body_json={'recipient': 'Test', 'passcode': '0000'})
        self.assertEqual(status, 401)
        status, _, body = request(link['manifest'], body_json={'recipient': 'Test', 'passcode': '1234'})
        self.assertEqual(status, 200, body)
        files = json.loads(body)['files']
        self.assertEqual(files[0]['location'], link['file'])
        self.assertEqual(request(link['file'])[2].decode(), jwe)
        status, _, _ = request(self.services.shl + '/links', data=b'not a jwe', method='POST',
                               headers={'Content-Type': 'application/jose'})
        self.assertEqual(status, 400)

    def test_mutated_bodies(self):
        """Valid request bodies with random bytes changed, dropped or added: each
        answer is a 4xx with a JSON body, and the server stays up."""
        import random
        rng = random.Random(20261130)
        moet, moh, shl = self.services.moet, self.services.moh, self.services.shl
        token = self.pre_authorized_token('nguyen-minh-khang')['access_token']
        health = self.moh_tokens('nguyen-gia-huy')
        proof = Holder().proof(moet, 'n')
        jwe = 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aXYtaXYtaXYtaXYt.Y2lwaGVy.dGFnLXRhZy10YWctdGFnLQ'
        link = json.loads(request(shl + '/links', data=jwe.encode(), method='POST',
                                  headers={'Content-Type': 'application/jose'})[2])
        cases = [
            (moet + '/token', 'application/x-www-form-urlencoded', None,
             b'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Apre-authorized_code&pre-authorized_code=abc&tx_code=123456'),
            (moh + '/token', 'application/x-www-form-urlencoded', None,
             b'grant_type=authorization_code&code=abc&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Fcb&code_verifier=' + b'a' * 43),
            (moet + '/credential', 'application/json', token,
             json.dumps({'credential_identifier': 'x.jwt_vc_json', 'proofs': {'jwt': [proof]}}).encode()),
            (moet + '/deferred_credential', 'application/json', token, b'{"transaction_id": "abc"}'),
            (link['manifest'], 'application/json', None, b'{"recipient": "x", "passcode": "y"}'),
            (moh + '/fhir/Patient/%s/$health-cards-issue' % health['patient'], 'application/fhir+json',
             health['access_token'], b'{"resourceType": "Parameters", "parameter": [{"name": "credentialType"}]}'),
        ]
        for url, content_type, bearer, body in cases:
            for _ in range(40):
                mutated = bytearray(body)
                for _ in range(rng.randint(1, 6)):
                    what = rng.randrange(3)
                    at = rng.randrange(len(mutated) + 1)
                    if what == 0 and at < len(mutated):
                        mutated[at] = rng.randrange(256)
                    elif what == 1 and at < len(mutated):
                        del mutated[at]
                    else:
                        mutated[at:at] = bytes([rng.randrange(256)])
                headers = {'Content-Type': content_type}
                if bearer:
                    headers['Authorization'] = 'Bearer ' + bearer
                status, _, data = request(url, data=bytes(mutated), method='POST', headers=headers)
                try:
                    unchanged = json.loads(bytes(mutated)) == json.loads(body)
                except ValueError:
                    unchanged = False
                if unchanged or (url == link['manifest'] and status == 200):
                    continue    # a harmless change (white space, the recipient's name)
                self.assertTrue(400 <= status < 500, (url, bytes(mutated), status, data[:200]))
                self.assertIsInstance(json.loads(data), dict)
        self.assertIsNone(self.services.process.poll())

    def test_zz_still_running(self):
        self.assertIsNone(self.services.process.poll(), 'the server stopped during the tests')

    # --- faults and malformed requests ---------------------------------------------------------

    def raw(self, path, timeout=10):
        url = urllib.parse.urlsplit(self.services.moh)
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
        connection.request('GET', path)
        return connection

    def test_faults(self):
        moh = urllib.parse.urlsplit(self.services.moh).path
        connection = self.raw(moh + '/fault/slow', timeout=1.5)
        with self.assertRaises(TimeoutError):
            connection.getresponse()
        connection.close()
        status, _, body = request(self.services.moet + '/fault/huge')
        self.assertEqual((status, len(body)), (200, 50 * 1024 * 1024))
        status, headers, body = request(self.services.shl + '/fault/malformed')
        self.assertEqual(status, 200)
        self.assertEqual(headers['Content-Type'], 'application/json')
        with self.assertRaises(ValueError):
            json.loads(body)
        connection = self.raw(moh + '/fault/drop')
        response = connection.getresponse()
        with self.assertRaises(http.client.IncompleteRead):
            response.read()
        connection.close()
        # a real path made to fail: $everything drops on its second page
        tokens = self.moh_tokens('nguyen-gia-huy')
        self.assertEqual(request(self.services.moh + '/fault/set?mode=drop-after-first-page')[0], 200)
        first = get_json(self.services.moh + '/fhir/Patient/%s/$everything' % tokens['patient'], tokens['access_token'])
        following = next(l['url'] for l in first['link'] if l['relation'] == 'next')
        with self.assertRaises(http.client.IncompleteRead):
            request(following, headers={'Authorization': 'Bearer ' + tokens['access_token']})
        # and only once
        self.assertEqual(get_json(following, tokens['access_token'])['type'], 'searchset')
        # or the next N times
        self.assertEqual(request(self.services.moh + '/fault/set?mode=drop-after-first-page&times=2')[0], 200)
        for _ in range(2):
            with self.assertRaises(http.client.IncompleteRead):
                request(following, headers={'Authorization': 'Bearer ' + tokens['access_token']})
        self.assertEqual(get_json(following, tokens['access_token'])['type'], 'searchset')
        self.assertEqual(request(self.services.moh + '/fault/set?mode=drop-after-first-page&times=x')[0], 404)

    def test_no_summary(self):
        """The ministry of health can stop offering $summary; $everything
        comes in pages of at most 10 whatever _count asks."""
        moh = self.services.moh
        tokens = self.moh_tokens('nguyen-gia-huy')
        summary = '%s/fhir/Patient/%s/$summary' % (moh, tokens['patient'])

        def operations():
            metadata = get_json(moh + '/fhir/metadata')
            return [o['name'] for rest in metadata['rest'] for resource in rest['resource']
                    for o in resource.get('operation', [])]

        try:
            self.assertIn('summary', operations())
            self.assertEqual(request(moh + '/fault/set?mode=no-summary')[0], 200)
            self.assertNotIn('summary', operations())
            self.assertIn('everything', operations())
            get_json(summary, tokens['access_token'], expect=404)
        finally:
            self.assertEqual(request(moh + '/fault/set?mode=summary')[0], 200)
        self.assertIn('summary', operations())
        self.assertEqual(get_json(summary, tokens['access_token'])['type'], 'document')

        url = '%s/fhir/Patient/%s/$everything?_count=50' % (moh, tokens['patient'])
        pages = []
        while url is not None and len(pages) < 10:
            page = get_json(url, tokens['access_token'])
            pages.append(len(page.get('entry', [])))
            url = next((l['url'] for l in page['link'] if l['relation'] == 'next'), None)
        self.assertEqual(pages, [10, 4])

    def test_malformed_requests(self):
        moet, moh = self.services.moet, self.services.moh
        token = self.pre_authorized_token('nguyen-minh-duc')['access_token']
        auth = {'Authorization': 'Bearer ' + token}
        bodies = [b'', b'{', b'[1,2]', b'\xff\xfe', b'{"credential_identifier": 5}', b'null', b'{"a":' * 5000,
                  b'{"proofs": {"jwt": "x"}, "credential_configuration_id": "diploma_jwt_vc_json"}']
        for body in bodies:
            for url, headers in ((moet + '/credential', auth), (moet + '/deferred_credential', auth)):
                status, response_headers, data = request(url, data=body, method='POST',
                                                         headers=dict(headers, **{'Content-Type': 'application/json'}))
                self.assertEqual(status, 400, (url, body[:40], data[:200]))
                self.assertIn('error', json.loads(data))
        forms = [b'', b'%%%', b'grant_type=', b'grant_type=authorization_code&code=%ZZ', b'\xff=\xfe',
                 b'grant_type=refresh_token', b'a' * 70000]
        for body in forms:
            for url in (moet + '/token', moh + '/token', moh + '/revoke', moet + '/authorize'):
                status, _, data = request(url, data=body, method='POST',
                                          headers={'Content-Type': 'application/x-www-form-urlencoded'})
                self.assertIn(status, (400, 413), (url, body[:40], data[:200]))
                if not url.endswith('/authorize'):
                    self.assertIn('error', json.loads(data))
        status, _, data = request(moet + '/token', data=b'grant_type=x', method='POST',
                                  headers={'Content-Type': 'text/plain'})
        self.assertEqual((status, json.loads(data)['error']), (400, 'invalid_request'))
        for query in ('_count=0', '_count=abc', '_count=100000', '_offset=-1'):
            tokens = self.moh_tokens('nguyen-gia-huy')
            status, _, data = request(moh + '/fhir/Patient/%s/$everything?%s' % (tokens['patient'], query),
                                      headers={'Authorization': 'Bearer ' + tokens['access_token']})
            self.assertEqual(status, 400, query)
            self.assertEqual(json.loads(data)['resourceType'], 'OperationOutcome')
        # the server is still there
        self.assertEqual(request(moet + '/.well-known/openid-credential-issuer')[0], 200)


if __name__ == '__main__':
    unittest.main(argv=sys.argv[:1] + sys.argv[4:], verbosity=2)
