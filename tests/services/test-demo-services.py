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
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

SERVICES, CLI, DEMO = sys.argv[1:4] if len(sys.argv) >= 4 else (None, None, None)
REDIRECT = 'http://127.0.0.1:49152/callback'


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode()


def unb64(text):
    return base64.urlsafe_b64decode(text + '=' * (-len(text) % 4))


def jwt_payload(token):
    return json.loads(unb64(token.split('~')[0].split('.')[1]))


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
        self.process = subprocess.Popen([SERVICES, '--data', DEMO] + list(args),
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines = [self.process.stdout.readline().rstrip('\n') for _ in range(3)]
        urls = dict(line.split('=', 1) for line in self.lines if '=' in line)
        self.moet, self.moh, self.shl = urls.get('moet'), urls.get('moh'), urls.get('shl')

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process.stdout.close()
        self.process.stderr.close()


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
                path = self.write('c.json', json.dumps(credential, ensure_ascii=False))
            else:
                self.assertEqual(jwt_payload(credential)['credentialSubject']['id'], holder.did())
                path = self.write('c.jwt', credential)
            result = verify(path, self.moet_jwks)
            self.assertEqual(result['verdict'], 'valid', (fmt, result))
            self.assertTrue(result['issuer']['trusted'], result)
        self.assertEqual(checked, {'jwt_vc_json', 'sd_jwt', 'ldp_vc'})


if __name__ == '__main__':
    unittest.main(argv=sys.argv[:1] + sys.argv[4:], verbosity=2)
