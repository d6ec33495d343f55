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

    def credentials_of(self, person):
        """How many credentials the ministry of education keeps for @person:
        the identifiers its token grants, per format."""
        offer = self.services.offer(person)
        link = urllib.parse.urlparse(offer['offer'])
        uri = urllib.parse.parse_qs(link.query)['credential_offer_uri'][0]
        with urllib.request.urlopen(uri, timeout=30) as answer:
            grant = json.load(answer)['grants']['urn:ietf:params:oauth:grant-type:pre-authorized_code']
        form = urllib.parse.urlencode({'grant_type': 'urn:ietf:params:oauth:grant-type:pre-authorized_code',
                                       'pre-authorized_code': grant['pre-authorized_code'],
                                       'tx_code': offer['tx_code']}).encode()
        with urllib.request.urlopen(f'{self.services.moet}/token', data=form, timeout=30) as answer:
            details = json.load(answer)['authorization_details']
        with urllib.request.urlopen(f'{self.services.moet}/.well-known/openid-credential-issuer', timeout=30) as answer:
            supported = json.load(answer)['credential_configurations_supported']
        per_format = {}
        for detail in details:
            configuration = supported[detail['credential_configuration_id']]
            per_format.setdefault(configuration['format'], []).extend(detail['credential_identifiers'])
        self.assertEqual(sorted(per_format), ['dc+sd-jwt', 'jwt_vc_json', 'ldp_vc'])
        counts = {len(ids) for ids in per_format.values()}
        self.assertEqual(len(counts), 1, per_format)
        return counts.pop()

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
        self.assertTrue(all(r['source'] == 'Bộ Y tế · Sổ sức khỏe điện tử (demo)' for r in records))
        immunizations = [r for r in records if r['kind'] == 'immunization']
        self.assertGreater(len(immunizations), 10)
        # the SMART Health Cards from $health-cards-issue verify against the ministry's key
        cards = [r for r in records if r['format'] == 'shc' and r['parent_uuid'] is None]
        self.assertTrue(cards)
        for card in cards:
            self.assertEqual(card['verdict']['summary'], 'valid', card['verdict'])
        # a vaccination both the book and a health card hold is listed once
        listed = [(r['title'], r['issued']) for r in records if r['kind'] == 'immunization']
        self.assertEqual(len(listed), len(set(listed)))

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

    def test_health_book_paged(self):
        """A ministry that offers no $summary: the wallet pages through
        $everything (the baby's vaccination schedule spans several pages);
        a page dropped midway fails the sync and leaves the vault as it was."""
        own = Services('--faults')
        try:
            urllib.request.urlopen(f'{own.moh}/fault/set?mode=no-summary', timeout=30).read()
            with urllib.request.urlopen(f'{own.moh}/fhir/metadata', timeout=30) as answer:
                metadata = json.load(answer)
            operations = [o['name'] for rest in metadata['rest'] for resource in rest['resource']
                          for o in resource.get('operation', [])]
            self.assertNotIn('summary', operations)
            self.assertIn('everything', operations)

            name = self.add(own.moh)
            self.assertEqual(self.sign_in(name, 'nguyen-gia-huy').returncode, 0)

            # the wallet tries a dropped page again, but not forever
            urllib.request.urlopen(f'{own.moh}/fault/set?mode=drop-after-first-page&times=10', timeout=30).read()
            dropped = self.vault.cli('service', 'sync', name, *NET)
            self.assertEqual(dropped.returncode, 1, dropped.stdout + dropped.stderr)
            self.assertIn('broke off its answer', dropped.stderr)
            self.assertIn('[server-error]', dropped.stderr)
            self.assertIn('page 2', dropped.stderr)
            self.assertEqual(self.vault.count(), 0)

            urllib.request.urlopen(f'{own.moh}/fault/set?mode=drop-after-first-page&times=0', timeout=30).read()
            urllib.request.urlopen(f'{own.moh}/fault/set?mode=drop-after-first-page', timeout=30).read()
            first = self.vault.cli('service', 'sync', name, *NET, check=True)
            self.assertEqual(first.stderr.count('Health record, page 2'), 2, first.stderr)
            records = self.vault.records()
            self.assertEqual(len(records), new_count(first.stdout) + 1)
            # every vaccination of the baby's book, from all its pages
            with open(os.path.join(SOURCE, 'data', 'demo', 'Nguyễn Gia Huy', 'Sổ tiêm chủng.json')) as f:
                book = json.load(f)
            expected = sorted(e['resource']['vaccineCode']['text'] for e in book['entry']
                              if e['resource']['resourceType'] == 'Immunization')
            cards = {r['uuid'] for r in records if r['format'] == 'shc'}
            from_book = sorted(r['title'] for r in records
                               if r['kind'] == 'immunization' and r['parent_uuid'] not in cards)
            self.assertEqual(from_book, expected)

            second = self.vault.cli('service', 'sync', name, *NET, check=True)
            self.assertEqual(new_count(second.stdout), 0)
            self.assertEqual(self.vault.count(), len(records))
        finally:
            own.stop()

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
        self.assertEqual(len(records), self.credentials_of('tran-thi-thu-ha'))
        self.assertTrue(all(r['format'] == 'sd-jwt' and r['category'] == 'learning' for r in records))
        self.assertTrue(any(r['kind'] == 'degree' and r['verdict']['summary'] == 'valid' for r in records))
        # the issuer is now a connection of the vault
        self.assertIn('learning', self.vault.cli('service', 'list', check=True).stdout)

    def test_offer_of_one_format(self):
        """An offer that names one configuration gets that one, in its format."""
        offer = self.services.offer('tran-thi-thu-ha')
        uri = urllib.parse.parse_qs(urllib.parse.urlparse(offer['offer']).query)['credential_offer_uri'][0]
        with urllib.request.urlopen(uri, timeout=30) as answer:
            body = json.load(answer)
        self.assertIn('degree_jwt_vc_json', body['credential_configuration_ids'])
        body['credential_configuration_ids'] = ['degree_jwt_vc_json']
        inline = 'openid-credential-offer://?credential_offer=' + urllib.parse.quote(json.dumps(body), safe='')
        result = self.vault.cli('receive', inline, '--tx-code', offer['tx_code'], *NET, check=True)
        records = self.vault.records()
        self.assertEqual(len(records), new_count(result.stdout))
        self.assertTrue(records)
        self.assertTrue(all(r['format'] == 'vc-jwt' and r['kind'] == 'degree' for r in records),
                        [(r['format'], r['kind']) for r in records])

    def test_deferred(self):
        offer = self.services.offer('nguyen-minh-khang')
        result = self.vault.cli('receive', offer['offer'], '--tx-code', offer['tx_code'], *NET, check=True)
        self.assertIn('Tuần sinh hoạt công dân', result.stdout)

    def test_authorization_code_and_revoked(self):
        name = self.add(self.services.moet)
        self.assertEqual(name, 'moet')
        self.assertEqual(self.sign_in(name, 'nguyen-minh-duc').returncode, 0)
        first = self.vault.cli('service', 'sync', name, *NET, check=True)
        records = self.vault.records()
        # one record per credential the person holds, though the ministry
        # offers each in three formats: SD-JWT VC is the one asked for
        self.assertEqual(len(records), self.credentials_of('nguyen-minh-duc'))
        self.assertEqual(new_count(first.stdout), len(records))
        self.assertEqual(len({r['title'] for r in records}), len(records))
        self.assertTrue(all(r['format'] == 'sd-jwt' for r in records))
        self.assertTrue(all(r['category'] == 'learning' for r in records), [r['kind'] for r in records])
        revoked = [r for r in records if 'Quản lý dự án phần mềm' in (r['title'] or '')]
        self.assertEqual(len(revoked), 1)
        for record in revoked:
            self.assertEqual(record['verdict']['summary'], 'invalid')
            self.assertIn('Revoked', record['verdict']['current']['reason'])
            self.assertEqual(record['kind'], 'certificate')
        valid = [r for r in records if r['kind'] == 'degree']
        self.assertTrue(valid)
        self.assertTrue(all(r['verdict']['summary'] == 'valid' for r in valid))
        second = self.vault.cli('service', 'sync', name, *NET, check=True)
        self.assertEqual(new_count(second.stdout), 0)
        self.assertEqual(self.vault.count(), len(records))

    def test_records_held_already(self):
        """The records a person already keeps from files are not kept again
        from the ministry, except a copy the ministry has since revoked."""
        owner = os.path.join(SOURCE, 'data', 'demo', 'Nguyễn Minh Đức')
        for name in sorted(os.listdir(owner)):
            self.vault.cli('import', os.path.join(owner, name), check=True)
        before = self.vault.count()
        name = self.add(self.services.moet)
        self.assertEqual(self.sign_in(name, 'nguyen-minh-duc').returncode, 0)
        result = self.vault.cli('service', 'sync', name, *NET, check=True)
        self.assertEqual(new_count(result.stdout), 1, result.stdout)
        records = self.vault.records()
        self.assertEqual(len(records), before + 1)
        kept = [r for r in records if r['source'] == 'Bộ Giáo dục và Đào tạo']
        self.assertEqual(len(kept), 1)
        self.assertIn('Quản lý dự án phần mềm', kept[0]['title'])
        self.assertIn('Revoked', kept[0]['verdict']['current']['reason'])

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
