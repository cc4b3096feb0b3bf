"""Evidence records: media, manifest, hashes, signatures, ledger, storage, verification."""
