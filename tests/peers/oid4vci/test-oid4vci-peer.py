#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""dossier-cli receive against a third-party OpenID4VCI issuer
(@sphereon/oid4vci-issuer-server, started by run-oid4vci-peer.sh): the
pre-authorized code flow with a wrong, then the right transaction code,
into a real vault that trusts the issuer's key.

    test-oid4vci-peer.py CLI STARTED_FILE JWKS_FILE"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

CLI, STARTED, JWKS = sys.argv[1:4] if len(sys.argv) >= 4 else (None, None, None)


class Oid4vciPeer(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix='dossier-oid4vci-')
        self.vault = os.path.join(self.tmp.name, 'vault')
        self.env = dict(os.environ, DOSSIER_PASSPHRASE='correct horse battery staple')
        with open(STARTED, encoding='utf-8') as started:
            self.peer = dict(line.strip().split('=', 1) for line in started if '=' in line)
        self.cli('init', check=True)
        self.cli('trust', 'add', JWKS, check=True)

    def tearDown(self):
        self.tmp.cleanup()

    def cli(self, *args, check=False):
        result = subprocess.run([CLI, '--vault', self.vault, *args], env=self.env, capture_output=True, text=True,
                                stdin=subprocess.DEVNULL, timeout=120)
        if check and result.returncode != 0:
            raise AssertionError(f'dossier-cli {" ".join(args)}: {result.stderr}')
        return result

    def records(self):
        return json.loads(self.cli('list', '--json', check=True).stdout)

    def test_pre_authorized_code(self):
        offer, code = self.peer['offer'], self.peer['tx_code']
        wrong = '0000' if code != '0000' else '1111'
        refused = self.cli('receive', offer, '--tx-code', wrong, '--loopback-http')
        self.assertEqual(refused.returncode, 1, refused.stderr)
        self.assertIn('[wrong-code]', refused.stderr)
        self.assertEqual(self.records(), [])

        received = self.cli('receive', offer, '--tx-code', code, '--loopback-http', check=True)
        self.assertTrue(received.stdout.strip().endswith('0 failed'), received.stdout)
        records = self.records()
        self.assertEqual(len(records), 1)
        record = records[0]
        self.assertEqual(record['format'], 'vc-jwt')
        self.assertEqual(record['source'], 'Peer University')
        self.assertEqual(record['verdict']['summary'], 'valid', record['verdict'])
        self.assertEqual(record['issuer_id'], self.peer['issuer'])
        # bound to the vault's own key for this person
        self.assertTrue(record['fields']['credentialSubject']['id'].startswith('did:jwk:'), record['fields'])


if __name__ == '__main__':
    unittest.main(argv=sys.argv[:1], verbosity=2)
