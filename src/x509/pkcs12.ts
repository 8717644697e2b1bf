// PKCS#12 (RFC 7292): the PFX of a certificate's secret, and the PFX a client imports. The structure is
// walked here; the password-based ciphers and the PKCS#12 key derivation are node-forge's (pure
// JavaScript, browser-safe), which reads both what OpenSSL 3 writes by default (PBES2: PBKDF2 and
// AES-CBC, HMAC-SHA-256 MAC) and the legacy forms (pbeWithSHAAnd3-KeyTripleDES-CBC,
// pbeWithSHAAnd40BitRC2-CBC, SHA-1 MAC) that Windows and Key Vault itself write.
//
// Certificates are taken from their bags as the exact bytes given, never re-encoded.
import forge from "node-forge";
import { X509Error } from "./errors.js";

const asn1 = forge.asn1;
type Node = forge.asn1.Asn1;

const OID = {
  data: "1.2.840.113549.1.7.1",
  encryptedData: "1.2.840.113549.1.7.6",
  keyBag: "1.2.840.113549.1.12.10.1.1",
  pkcs8ShroudedKeyBag: "1.2.840.113549.1.12.10.1.2",
  certBag: "1.2.840.113549.1.12.10.1.3",
  safeContentsBag: "1.2.840.113549.1.12.10.1.6",
  x509Certificate: "1.2.840.113549.1.9.22.1",
  localKeyId: "1.2.840.113549.1.9.21",
  pbes2: "1.2.840.113549.1.5.13",
  sha1: "1.3.14.3.2.26",
  sha256: "2.16.840.1.101.3.4.2.1",
  sha384: "2.16.840.1.101.3.4.2.2",
  sha512: "2.16.840.1.101.3.4.2.3",
};

/**
 * The most iterations a PFX may ask of its key derivations. Each costs a hash in JavaScript, on the
 * request's path: a file asking for 2^31 would hold the server. OpenSSL writes 2048; OWASP's 2023
 * advice for PBKDF2-HMAC-SHA256 is 600,000.
 */
export const MAX_PFX_ITERATIONS = 600_000;
/** Iterations of what we write: OpenSSL 3's default (PKCS12_DEFAULT_ITER). */
const ITERATIONS = 2048;

const MAC_DIGESTS: Record<string, () => forge.md.MessageDigest> = {
  [OID.sha1]: () => forge.md.sha1.create(),
  [OID.sha256]: () => forge.md.sha256.create(),
  [OID.sha384]: () => forge.md.sha384.create(),
  [OID.sha512]: () => forge.md.sha512.create(),
};

const toBinary = (b: Uint8Array) => forge.util.binary.raw.encode(b);
const fromBinary = (s: string) => forge.util.binary.raw.decode(s);

function bad(what: string): X509Error {
  return new X509Error(`The PKCS#12 data is malformed: ${what}.`);
}

function seq(node: Node | undefined, what: string): Node[] {
  if (!node || node.tagClass !== asn1.Class.UNIVERSAL || node.type !== asn1.Type.SEQUENCE || !Array.isArray(node.value)) {
    throw bad(`${what} is not a SEQUENCE`);
  }
  return node.value as Node[];
}

function oid(node: Node | undefined, what: string): string {
  if (!node || node.type !== asn1.Type.OID || typeof node.value !== "string") throw bad(`${what} is not an OBJECT IDENTIFIER`);
  return asn1.derToOid(node.value);
}

/** The single element of an explicit [0] tag. */
function explicit0(node: Node | undefined, what: string): Node {
  if (!node || node.tagClass !== asn1.Class.CONTEXT_SPECIFIC || node.type !== 0 || !Array.isArray(node.value) || node.value.length !== 1) {
    throw bad(`${what} has no [0] content`);
  }
  return node.value[0] as Node;
}

/** The bytes of an OCTET STRING (or of a [0] IMPLICIT one), primitive or constructed (BER). */
function octets(node: Node | undefined, what: string): string {
  if (!node) throw bad(`${what} is missing`);
  if (typeof node.value === "string") return node.value;
  return (node.value as Node[]).map((n) => octets(n, what)).join("");
}

function parse(binary: string, what: string): Node {
  try {
    return asn1.fromDer(binary, { strict: false, decodeBitStrings: false } as unknown as boolean);
  } catch {
    throw bad(`${what} is not DER or BER`);
  }
}

/** Refuses a PBE or MAC whose parameters ask for more work than MAX_PFX_ITERATIONS (every INTEGER in them counts). */
/**
 * A count in a DER INTEGER of up to 4 bytes (longer: Infinity, over any limit). An empty one is
 * malformed: forge's getInt(0) would throw an error of its own, which is no X509Error.
 */
function countOf(value: string, what: string): number {
  if (value.length === 0) throw bad(`${what} is an empty INTEGER`);
  return value.length > 4 ? Number.POSITIVE_INFINITY : forge.util.createBuffer(value).getInt(value.length * 8);
}

function checkWork(params: Node | undefined): void {
  if (!params) return;
  if (params.type === asn1.Type.INTEGER && typeof params.value === "string" && params.tagClass === asn1.Class.UNIVERSAL) {
    const n = countOf(params.value, "an iteration count");
    if (n > MAX_PFX_ITERATIONS) throw new X509Error(`The PKCS#12 data asks for ${n} iterations; the limit is ${MAX_PFX_ITERATIONS}.`);
  }
  if (Array.isArray(params.value)) for (const child of params.value as Node[]) checkWork(child);
}

/** PBES2 derives its key from the password's UTF-8 (RFC 8018 §3); forge takes it as bytes in a string. */
function passwordFor(algorithm: string, password: string): string {
  return algorithm === OID.pbes2 ? forge.util.encodeUtf8(password) : password;
}

function wrongPassword(): X509Error {
  return new X509Error("The PKCS#12 data cannot be decrypted with the given password.");
}

export interface PfxContents {
  /** PKCS#8 PrivateKeyInfo DER of each key, in the order found. */
  keys: Uint8Array[];
  /** DER of each X.509 certificate, exactly as stored, in the order found. */
  certs: Uint8Array[];
}

/** Opens a PFX with its password ("" for none); X509Error for a wrong password or anything malformed. */
export function readPfx(bytes: Uint8Array, password: string): PfxContents {
  const pfx = seq(parse(toBinary(bytes), "the PFX"), "the PFX");
  const authSafe = seq(pfx[1], "authSafe");
  if (oid(authSafe[0], "authSafe's content type") !== OID.data)
    throw bad("authSafe is not 'data' (a PFX protected by a public key is not supported)");
  const authSafeBytes = octets(explicit0(authSafe[1], "authSafe"), "authSafe");
  if (pfx[2]) verifyMac(pfx[2], authSafeBytes, password);
  const out: PfxContents = { keys: [], certs: [] };
  for (const info of seq(parse(authSafeBytes, "AuthenticatedSafe"), "AuthenticatedSafe")) {
    const parts = seq(info, "a ContentInfo");
    const type = oid(parts[0], "a ContentInfo's type");
    if (type === OID.data) readSafeContents(octets(explicit0(parts[1], "a data ContentInfo"), "SafeContents"), password, out);
    else if (type === OID.encryptedData) readSafeContents(decryptContent(explicit0(parts[1], "EncryptedData"), password), password, out);
    else throw bad(`a ContentInfo has the unsupported type ${type}`);
  }
  return out;
}

function verifyMac(macData: Node, authSafe: string, password: string): void {
  const [digestInfo, saltNode, iterNode] = seq(macData, "macData");
  const [algId, digestNode] = seq(digestInfo, "the MAC's DigestInfo");
  const mdOid = oid(seq(algId, "the MAC algorithm")[0], "the MAC algorithm");
  const makeMd = MAC_DIGESTS[mdOid];
  if (!makeMd) throw new X509Error(`The PKCS#12 MAC uses the unsupported digest ${mdOid}.`);
  if (iterNode && (iterNode.type !== asn1.Type.INTEGER || typeof iterNode.value !== "string"))
    throw bad("the MAC's iteration count is not an INTEGER");
  checkWork(iterNode);
  const iterations = iterNode ? countOf(iterNode.value as string, "the MAC's iteration count") : 1;
  const expected = octets(digestNode, "the MAC");
  const salt = forge.util.createBuffer(octets(saltNode, "the MAC salt"));
  const macWith = (pw: string | null) => {
    const md = makeMd();
    const key = forge.pkcs12.generateKey(pw, salt.copy(), 3, iterations, md.digestLength, makeMd());
    const hmac = forge.hmac.create();
    hmac.start(md, key);
    hmac.update(authSafe);
    return hmac.digest().getBytes();
  };
  // An empty password is written by some tools as the empty BMPString and by others as no password at all.
  if (macWith(password) === expected) return;
  if (password === "" && macWith(null) === expected) return;
  throw wrongPassword();
}

function decryptContent(encryptedData: Node, password: string): string {
  const [, eci] = seq(encryptedData, "EncryptedData");
  const [, algId, content] = seq(eci, "EncryptedContentInfo");
  const [algOid, params] = seq(algId, "the content encryption algorithm");
  const algorithm = oid(algOid, "the content encryption algorithm");
  checkWork(params);
  if (!content || content.tagClass !== asn1.Class.CONTEXT_SPECIFIC) throw bad("EncryptedContentInfo has no encrypted content");
  let cipher: forge.cipher.BlockCipher;
  try {
    cipher = (forge.pki as unknown as { pbe: { getCipher(o: string, p: Node, pw: string): forge.cipher.BlockCipher } }).pbe.getCipher(
      algorithm,
      params!,
      passwordFor(algorithm, password),
    );
  } catch (e) {
    throw new X509Error(`The PKCS#12 data uses an encryption this vault cannot read (${algorithm}): ${(e as Error).message}`);
  }
  cipher.update(forge.util.createBuffer(octets(content, "the encrypted content")));
  if (!cipher.finish()) throw wrongPassword();
  return cipher.output.getBytes();
}

function readSafeContents(binary: string, password: string, out: PfxContents): void {
  let bags: Node[];
  try {
    bags = seq(parse(binary, "SafeContents"), "SafeContents");
  } catch {
    // Without a MAC, a wrong password shows only here: the "decrypted" bytes are noise.
    throw wrongPassword();
  }
  for (const bag of bags) {
    const [idNode, valueNode] = seq(bag, "a SafeBag");
    const id = oid(idNode, "a SafeBag's type");
    const value = explicit0(valueNode, "a SafeBag");
    if (id === OID.keyBag) out.keys.push(fromBinary(asn1.toDer(value).getBytes()));
    else if (id === OID.pkcs8ShroudedKeyBag) out.keys.push(decryptKey(value, password));
    else if (id === OID.certBag) {
      const [certId, certValue] = seq(value, "a CertBag");
      if (oid(certId, "a CertBag's type") === OID.x509Certificate)
        out.certs.push(fromBinary(octets(explicit0(certValue, "a CertBag"), "a certificate")));
    } else if (id === OID.safeContentsBag) readSafeContents(asn1.toDer(value).getBytes(), password, out);
    // CRL and secret bags carry nothing a certificate import uses.
  }
}

function decryptKey(encrypted: Node, password: string): Uint8Array {
  const [algId] = seq(encrypted, "EncryptedPrivateKeyInfo");
  const [algOid, params] = seq(algId, "the key encryption algorithm");
  const algorithm = oid(algOid, "the key encryption algorithm");
  checkWork(params);
  let info: Node | null;
  try {
    info = forge.pki.decryptPrivateKeyInfo(encrypted, passwordFor(algorithm, password));
  } catch {
    info = null;
  }
  if (!info) throw wrongPassword();
  return fromBinary(asn1.toDer(info).getBytes());
}

// ------------------------------------------------------------------ writing

function octetString(binary: string): Node {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, binary);
}

function oidNode(o: string): Node {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(o).getBytes());
}

function sequence(items: Node[]): Node {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
}

function tagged0(inner: Node): Node {
  return asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [inner]);
}

function dataContentInfo(contentDer: string): Node {
  return sequence([oidNode(OID.data), tagged0(octetString(contentDer))]);
}

function safeBag(id: string, value: Node, localKeyId: string | undefined): Node {
  const items = [oidNode(id), tagged0(value)];
  if (localKeyId !== undefined) {
    items.push(
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, [
        sequence([oidNode(OID.localKeyId), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, [octetString(localKeyId)])]),
      ]),
    );
  }
  return sequence(items);
}

export interface PfxInput {
  /** PKCS#8 PrivateKeyInfo DER of the leaf's key, if the PFX is to carry it. */
  key?: Uint8Array;
  /** The leaf first, then the rest of its chain. */
  certs: Uint8Array[];
  password: string;
}

/**
 * A PFX as OpenSSL 3 writes one by default: the key in a PBES2 shrouded key bag (PBKDF2-HMAC-SHA256,
 * AES-256-CBC), the certificates in a plain data bag, an HMAC-SHA256 MAC; the key and the leaf
 * share the localKeyId 01 00 00 00, as Key Vault's PFX secrets do.
 */
export function buildPfx(input: PfxInput): Uint8Array {
  const localKeyId = input.key ? "\x01\x00\x00\x00" : undefined;
  const certBags = input.certs.map((der, i) =>
    safeBag(OID.certBag, sequence([oidNode(OID.x509Certificate), tagged0(octetString(toBinary(der)))]), i === 0 ? localKeyId : undefined),
  );
  const contents = [dataContentInfo(asn1.toDer(sequence(certBags)).getBytes())];
  if (input.key) {
    const info = asn1.fromDer(toBinary(input.key));
    const shrouded = forge.pki.encryptPrivateKeyInfo(info, passwordFor(OID.pbes2, input.password), {
      algorithm: "aes256",
      count: ITERATIONS,
      saltSize: 16,
      prfAlgorithm: "sha256",
    });
    contents.push(dataContentInfo(asn1.toDer(sequence([safeBag(OID.pkcs8ShroudedKeyBag, shrouded, localKeyId)])).getBytes()));
  }
  const authSafe = asn1.toDer(sequence(contents)).getBytes();
  const salt = forge.random.getBytesSync(16);
  const md = forge.md.sha256.create();
  const macKey = forge.pkcs12.generateKey(
    input.password,
    forge.util.createBuffer(salt),
    3,
    ITERATIONS,
    md.digestLength,
    forge.md.sha256.create(),
  );
  const hmac = forge.hmac.create();
  hmac.start(md, macKey);
  hmac.update(authSafe);
  const macData = sequence([
    sequence([
      sequence([oidNode(OID.sha256), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, "")]),
      octetString(hmac.digest().getBytes()),
    ]),
    octetString(salt),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(ITERATIONS).getBytes()),
  ]);
  const pfx = sequence([
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(3).getBytes()),
    dataContentInfo(authSafe),
    macData,
  ]);
  return fromBinary(asn1.toDer(pfx).getBytes());
}
