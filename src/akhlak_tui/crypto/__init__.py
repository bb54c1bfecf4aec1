"""Keys, signatures and sealing (PyNaCl / libsodium): device keys, coordinator keys, fingerprints."""
