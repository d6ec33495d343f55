#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Turns JSON-LD documents into N-Quads with PyLD (Debian's python3-pyld),
as an independent JSON-LD processor to compare Dossier's with.

Usage: jsonld-peer.py CONTEXTS_DIR FILE...

Remote contexts are served only from CONTEXTS_DIR (its index.json maps
URLs to files), as Dossier does.  A "proof" member at the top is removed,
as Data Integrity does before canonicalization; its first proof, without
the proofValue and with the document's @context, is turned into N-Quads
too, as the proof configuration.  Prints one JSON object a line:
{"file": ..., "nquads": ..., "proof_nquads": ...}, with "error" or
"proof_error" for what PyLD refuses.
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


def to_nquads(document, loader):
    return jsonld.to_rdf(document, {'format': 'application/n-quads', 'documentLoader': loader})


def main():
    loader = make_loader(sys.argv[1])
    for path in sys.argv[2:]:
        with open(path, encoding='utf-8') as f:
            document = json.load(f)
        result = {'file': path}
        proof = document.pop('proof', None) if isinstance(document, dict) else None
        if isinstance(proof, list):
            proof = proof[0] if proof else None
        try:
            result['nquads'] = to_nquads(document, loader)
        except Exception as e:  # any refusal counts as one
            result['error'] = str(e).splitlines()[0]
        if isinstance(proof, dict) and '@context' in document:
            config = dict(proof)
            config.pop('proofValue', None)
            config['@context'] = document['@context']
            try:
                result['proof_nquads'] = to_nquads(config, loader)
            except Exception as e:
                result['proof_error'] = str(e).splitlines()[0]
        print(json.dumps(result))


if __name__ == '__main__':
    main()
