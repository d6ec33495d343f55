#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Turns JSON-LD documents into N-Quads with PyLD (Debian's python3-pyld),
as an independent JSON-LD processor to compare Dossier's with.

Usage: jsonld-peer.py CONTEXTS_DIR FILE...

Remote contexts are served only from CONTEXTS_DIR (its index.json maps
URLs to files), as Dossier does.  A "proof" member at the top is removed,
as Data Integrity does before canonicalization.  Prints one JSON object a
line: {"file": ..., "nquads": ...} or {"file": ..., "error": ...}.
"""
import json
import os
import sys

from pyld import jsonld


def make_loader(contexts_dir):
    with open(os.path.join(contexts_dir, 'index.json'), encoding='utf-8') as f:
        index = json.load(f)

    def load(url, options=None):
        entry = index.get(url)
        if entry is None:
            raise jsonld.JsonLdError('not bundled: ' + url, 'jsonld.LoadDocumentError',
                                     code='loading remote context failed')
        with open(os.path.join(contexts_dir, entry['file']), encoding='utf-8') as f:
            document = json.load(f)
        return {'contentType': 'application/ld+json', 'contextUrl': None,
                'documentUrl': url, 'document': document}
    return load


def main():
    loader = make_loader(sys.argv[1])
    for path in sys.argv[2:]:
        with open(path, encoding='utf-8') as f:
            document = json.load(f)
        if isinstance(document, dict):
            document.pop('proof', None)
        try:
            nquads = jsonld.to_rdf(document, {'format': 'application/n-quads',
                                              'documentLoader': loader})
            print(json.dumps({'file': path, 'nquads': nquads}))
        except Exception as e:  # any refusal counts as one
            print(json.dumps({'file': path, 'error': str(e).splitlines()[0]}))


if __name__ == '__main__':
    main()
