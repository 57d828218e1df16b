//! Keyed pseudonyms for ID numbers: HMAC-SHA256 (RFC 2104, FIPS 180-4) under a 256-bit
//! key that the user keeps. The key is never written by the engine; only its identifier
//! (a hash that does not reveal it) goes into the manifest.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{}", crate::tr!(KeyRead, path = path.display(), error = source))]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", crate::tr!(KeyFormat, path = path.display()))]
    Format { path: PathBuf },
    #[error("{}", crate::tr!(KeyExists, path = path.display()))]
    Exists { path: PathBuf },
    #[error("{}", crate::tr!(KeyWrite, path = path.display(), error = source))]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", crate::tr!(KeyRandom, error = _0))]
    Random(String),
}

/// A pseudonymisation key.
#[derive(Clone)]
pub struct Key {
    bytes: [u8; 32],
    ephemeral: bool,
    /// HMAC-SHA256 keyed once (the inner and outer padded key blocks hashed): a
    /// pseudonym then costs two SHA-256 blocks instead of four.
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Key({})", self.id())
    }
}

impl Key {
    pub fn from_bytes(bytes: [u8; 32], ephemeral: bool) -> Key {
        let mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&bytes).expect("HMAC takes any key");
        Key {
            bytes,
            ephemeral,
            mac,
        }
    }

    /// Reads a key file (64 hex characters, surrounding white space ignored).
    pub fn load(path: &Path) -> Result<Key, KeyError> {
        let text = fs::read_to_string(path).map_err(|source| KeyError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let raw = hex::decode(text.trim()).map_err(|_| KeyError::Format {
            path: path.to_path_buf(),
        })?;
        let bytes: [u8; 32] = raw.try_into().map_err(|_| KeyError::Format {
            path: path.to_path_buf(),
        })?;
        Ok(Key::from_bytes(bytes, false))
    }

    /// A random key for this run only: pseudonyms will not link across runs.
    pub fn ephemeral() -> Result<Key, KeyError> {
        Ok(Key::from_bytes(random_bytes()?, true))
    }

    pub fn is_ephemeral(&self) -> bool {
        self.ephemeral
    }

    /// A public identifier of the key: the first 16 hex digits of
    /// SHA-256("jindu-key-id:" ‖ key). It tells datasets made with the same key apart
    /// from others without revealing the key.
    pub fn id(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"jindu-key-id:");
        h.update(self.bytes);
        let digest = h.finalize();
        let mut s = hex::encode(&digest[..8]);
        if self.ephemeral {
            s.insert_str(0, "ephemeral-");
        }
        s
    }

    /// The pseudonym of a normalised ID number: lower-case hex of HMAC-SHA256.
    pub fn pseudonym(&self, normalized_id: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(normalized_id.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

fn random_bytes() -> Result<[u8; 32], KeyError> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| KeyError::Random(e.to_string()))?;
    Ok(b)
}

/// Writes a new random key to `path` with owner-only permissions; never overwrites.
pub fn keygen(path: &Path) -> Result<Key, KeyError> {
    let key = Key::from_bytes(random_bytes()?, false);
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::AlreadyExists {
            KeyError::Exists {
                path: path.to_path_buf(),
            }
        } else {
            KeyError::Write {
                path: path.to_path_buf(),
                source,
            }
        }
    })?;
    writeln!(f, "{}", hex::encode(key.bytes)).map_err(|source| KeyError::Write {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    #[test]
    fn hmac_sha256_matches_rfc4231() {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn pseudonyms_are_keyed_and_stable() {
        let a = Key::from_bytes([1; 32], false);
        let b = Key::from_bytes([2; 32], false);
        let id = "11010519491231002X";
        assert_eq!(a.pseudonym(id), a.pseudonym(id));
        assert_ne!(a.pseudonym(id), b.pseudonym(id));
        assert_ne!(a.id(), b.id());
        assert_eq!(a.id().len(), 16);
        // HMAC-SHA256 of the ID under the key 0x01 × 32, by Python's hmac module.
        assert_eq!(
            a.pseudonym(id),
            "f532cf1203443ad49f73bb91d9c59c3ecf5003e5d46158e73994648fddd2d2f2"
        );
        // The keyed state is not used up by a pseudonym: the next ID is right too.
        assert_eq!(
            a.pseudonym("110105194912310021"),
            "3c691e1bddb9044acecdcfadc7667e7b7d41bf72549bd2a740bbddee48883eb1"
        );
    }

    #[test]
    fn keygen_writes_0600_and_refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("k.key");
        let k = keygen(&p).unwrap();
        let loaded = Key::load(&p).unwrap();
        assert_eq!(k.id(), loaded.id());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&p).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        assert!(matches!(keygen(&p), Err(KeyError::Exists { .. })));
        fs::write(&p, "not hex").unwrap();
        assert!(matches!(Key::load(&p), Err(KeyError::Format { .. })));
    }
}
