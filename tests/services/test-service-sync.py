#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""dossier-cli's service and receive commands against dossier-demo-services
on 127.0.0.1, each test with a real vault of its own: signing in to the
ministry of health with PKCE (the consent page filled over plain HTTP by
consent-browser.py), pulling the health book with its SMART Health Cards,
syncing twice, the ministry of education's offers (pre-authorized code
with a wrong then the right transaction code), its authorization code flow,
the revoked credential and the deferred one; and failures — a sign-in
refused, the service killed, an answer that never comes, a huge one, a
malformed one, a dropped connection — each a clear error that leaves the
vault's records as they were.

    test-service-sync.py SERVICES_EXE CLI_EXE SOURCE_DIR"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import unittest
import urllib.parse
import urllib.request

SERVICES, CLI, SOURCE = sys.argv[1:4] if len(sys.argv) >= 4 else (None, None, None)
PASSPHRASE = 'correct horse battery staple'
NET = ['--loopback-http', '--timeout', '5']


class Services:
    def __init__(self, *args):
        self.process = subprocess.Popen([SERVICES, *args], stdout=subprocess.PIPE, text=True)
        self.urls = {}
        for _ in range(3):
            name, _, url = self.process.stdout.readline().strip().partition('=')
            self.urls[name] = url
        self.moet, self.moh = self.urls['moet'], self.urls['moh']

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)
        self.process.stdout.close()

    def offer(self, person):
        with urllib.request.urlopen(f'{self.moet}/offers/{person}', timeout=30) as answer:
            return json.load(answer)


class Vault:
    def __init__(self):
        self.tmp = tempfile.TemporaryDirectory(prefix='dossier-sync-')
        self.dir = os.path.join(self.tmp.name, 'vault')
        self.env = dict(os.environ, DOSSIER_PASSPHRASE=PASSPHRASE)
        self.cli('init', check=True)
        for keys in ('moet-jwks.json', 'moh-jwks.json'):
            self.cli('trust', 'add', os.path.join(SOURCE, 'data', 'demo', 'services', keys), check=True)

    def cli(self, *args, person=None, decision=None, check=False, timeout=240):
        env = dict(self.env)
        if person:
            env['DOSSIER_TEST_PERSON'] = person
        if decision:
            env['DOSSIER_TEST_DECISION'] = decision
        result = subprocess.run([CLI, '--vault', self.dir, *args], env=env, capture_output=True, text=True,
                                stdin=subprocess.DEVNULL, timeout=timeout)
        if check and result.returncode != 0:
            raise AssertionError(f'dossier-cli {" ".join(args)}: {result.returncode}\n{result.stderr}')
        return result

    def records(self):
        return json.loads(self.cli('list', '--json', check=True).stdout)

    def count(self):
        return len(self.records())


BROWSER = f'/usr/bin/python3 {os.path.join(os.path.dirname(os.path.abspath(__file__)), "consent-browser.py")}'


def new_count(output):
    """The number of new records a sync or an offer reports."""
    last = output.strip().splitlines()[-1]
    return int(last.split()[0])


class ServiceSync(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.services = Services('--faults')

    @classmethod
    def tearDownClass(cls):
        cls.services.stop()

    def setUp(self):
        self.vault = Vault()

    def tearDown(self):
        self.vault.tmp.cleanup()

    def add(self, url):
        result = self.vault.cli('service', 'add', url, *NET, check=True)
        return result.stdout.split()[1]

    def sign_in(self, name, person, decision=None):
        return self.vault.cli('service', 'sign-in', name, '--browser-command', BROWSER, *NET,
                              person=person, decision=decision)

    def assert_fails(self, result, code):
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn(f'[{code}]', result.stderr)

    def test_health_book(self):
        name = self.add(self.services.moh)
        self.assertEqual(name, 'moh')
        listed = self.vault.cli('service', 'list', check=True).stdout
        self.assertIn('health\tsigned out', listed)

        # no sign-in yet
        self.assert_fails(self.vault.cli('service', 'sync', name, *NET), 'sign-in-needed')
        self.assertEqual(self.vault.count(), 0)

        self.assertEqual(self.sign_in(name, 'nguyen-gia-huy').returncode, 0)
        self.assertIn('health\tsigned in', self.vault.cli('service', 'list', check=True).stdout)
        first = self.vault.cli('service', 'sync', name, *NET, check=True)
        self.assertGreater(new_count(first.stdout), 10)
        self.assertIn('SMART Health Card', first.stderr)
        records = self.vault.records()
        self.assertEqual(len(records), new_count(first.stdout) + 1)
        self.assertTrue(all(r['source'] == 'Health book (moh)' for r in records))
        immunizations = [r for r in records if r['kind'] == 'immunization']
        self.assertGreater(len(immunizations), 10)
        # the SMART Health Cards from $health-cards-issue verify against the ministry's key
        cards = [r for r in records if r['format'] == 'shc' and r['parent_uuid'] is None]
        self.assertTrue(cards)
        for card in cards:
            self.assertEqual(card['verdict']['summary'], 'valid', card['verdict'])

        second = self.vault.cli('service', 'sync', name, *NET, check=True)
        self.assertEqual(new_count(second.stdout), 0)
        self.assertEqual(self.vault.count(), len(records))

        # the log counts what a sync brought, and says nothing of it
        syncs = [line for line in self.vault.cli('log', check=True).stdout.splitlines()
                 if 'Records fetched from a service' in line]
        self.assertEqual(len(syncs), 2)
        for line in syncs:
            self.assertRegex(line, r'new=\d+ unchanged=\d+ pending=\d+$')

        self.assertEqual(self.vault.cli('service', 'sign-out', name, *NET).returncode, 0)
        self.assert_fails(self.vault.cli('service', 'sync', name, *NET), 'sign-in-needed')
        self.assertEqual(self.vault.cli('service', 'remove', name, *NET).returncode, 0)
        self.assertEqual(self.vault.cli('service', 'list', check=True).stdout, '')
        self.assertEqual(self.vault.count(), len(records))

    def test_sign_in_refused(self):
        name = self.add(self.services.moh)
        self.assert_fails(self.sign_in(name, 'nguyen-gia-huy', decision='deny'), 'sign-in-refused')
        self.assertIn('signed out', self.vault.cli('service', 'list', check=True).stdout)

    def test_offer_pre_authorized(self):
        offer = self.services.offer('tran-thi-thu-ha')
        wrong = '000000' if offer['tx_code'] != '000000' else '111111'
        self.assert_fails(self.vault.cli('receive', offer['offer'], '--tx-code', wrong, *NET), 'wrong-code')
        self.assertEqual(self.vault.count(), 0)
        right = self.vault.cli('receive', offer['offer'], '--tx-code', offer['tx_code'], *NET, check=True)
        self.assertGreater(new_count(right.stdout), 0)
        records = self.vault.records()
        self.assertEqual(len(records), new_count(right.stdout))
        self.assertTrue(any(r['kind'] == 'degree' and r['verdict']['summary'] == 'valid' for r in records))
        # the issuer is now a connection of the vault
        self.assertIn('learning', self.vault.cli('service', 'list', check=True).stdout)

    def test_deferred(self):
        offer = self.services.offer('nguyen-minh-khang')
        result = self.vault.cli('receive', offer['offer'], '--tx-code', offer['tx_code'], *NET, check=True)
        self.assertIn('Tuần sinh hoạt công dân', result.stdout)

    def test_authorization_code_and_revoked(self):
        name = self.add(self.services.moet)
        self.assertEqual(name, 'moet')
        self.assertEqual(self.sign_in(name, 'nguyen-minh-duc').returncode, 0)
        first = self.vault.cli('service', 'sync', name, *NET, check=True)
        self.assertGreater(new_count(first.stdout), 0)
        records = self.vault.records()
        revoked = [r for r in records if 'Quản lý dự án phần mềm' in (r['title'] or '')]
        self.assertTrue(revoked)
        for record in revoked:
            self.assertEqual(record['verdict']['summary'], 'invalid')
            self.assertIn('Revoked', record['verdict']['current']['reason'])
        valid = [r for r in records if r['kind'] == 'degree']
        self.assertTrue(valid)
        self.assertTrue(all(r['verdict']['summary'] == 'valid' for r in valid))
        second = self.vault.cli('service', 'sync', name, *NET, check=True)
        self.assertEqual(new_count(second.stdout), 0)
        self.assertEqual(self.vault.count(), len(records))

    def test_faulty_offers(self):
        """Offers fetched from the fault endpoints: each refused with its own error."""
        cases = [('slow', 'timeout'), ('huge', 'too-large'), ('malformed', 'malformed'), ('drop', None)]
        for fault, code in cases:
            with self.subTest(fault=fault):
                uri = urllib.parse.quote(f'{self.services.moet}/fault/{fault}', safe='')
                result = self.vault.cli('receive', f'openid-credential-offer://?credential_offer_uri={uri}',
                                        '--loopback-http', '--timeout', '2')
                self.assertEqual(result.returncode, 1, result.stderr)
                if code:
                    self.assertIn(f'[{code}]', result.stderr)
                self.assertEqual(self.vault.count(), 0)

    def test_service_killed(self):
        own = Services()
        try:
            name = self.add(own.moh)
            self.assertEqual(self.sign_in(name, 'nguyen-gia-huy').returncode, 0)
        finally:
            own.stop()
        self.assert_fails(self.vault.cli('service', 'sync', name, *NET), 'offline')
        self.assertEqual(self.vault.count(), 0)
        self.assertIn('Could not reach', self.vault.cli('service', 'list', check=True).stdout)


if __name__ == '__main__':
    unittest.main(argv=sys.argv[:1], verbosity=2)
