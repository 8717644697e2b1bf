// The certificates kind, loaded the first time something asks for it. Its X.509, PKCS#12 and ASN.1
// libraries are most of a vault's module graph: a vault worker's modules load in ~70 ms without them
// and ~190 ms with them, once per worker and once in the main thread, at every start. A vault that
// never sees a certificate never loads them; the first certificate request (or a sweep, an export or
// an import of the vault's contents) waits for them once.
import type { CertificatesApi } from "../../model/index.js";
import type { CertificateObjects } from "./certificates.js";

export class LazyCertificates implements CertificatesApi {
  readonly #make: () => Promise<CertificateObjects>;
  #loaded?: Promise<CertificateObjects>;

  /** `make` imports certificates.ts and builds the kind (vault.ts). */
  constructor(make: () => Promise<CertificateObjects>) {
    this.#make = make;
  }

  /** The certificates kind, loaded on the first call. */
  loaded(): Promise<CertificateObjects> {
    // A failed load is not kept: the next call tries again.
    this.#loaded ??= this.#make().catch((err: unknown) => {
      this.#loaded = undefined;
      throw err;
    });
    return this.#loaded;
  }

  /** One of CertificatesApi's methods, called once the kind is loaded. */
  #forward<K extends keyof CertificatesApi>(method: K): CertificatesApi[K] {
    return (async (...args: unknown[]) => {
      const objects = await this.loaded();
      return (objects[method] as (...a: unknown[]) => unknown).apply(objects, args);
    }) as CertificatesApi[K];
  }

  readonly createCertificate = this.#forward("createCertificate");
  readonly importCertificate = this.#forward("importCertificate");
  readonly getCertificate = this.#forward("getCertificate");
  readonly updateCertificate = this.#forward("updateCertificate");
  readonly listCertificates = this.#forward("listCertificates");
  readonly listCertificateVersions = this.#forward("listCertificateVersions");
  readonly deleteCertificate = this.#forward("deleteCertificate");
  readonly getDeletedCertificate = this.#forward("getDeletedCertificate");
  readonly listDeletedCertificates = this.#forward("listDeletedCertificates");
  readonly recoverDeletedCertificate = this.#forward("recoverDeletedCertificate");
  readonly purgeDeletedCertificate = this.#forward("purgeDeletedCertificate");
  readonly getCertificatePolicy = this.#forward("getCertificatePolicy");
  readonly updateCertificatePolicy = this.#forward("updateCertificatePolicy");
  readonly getCertificateOperation = this.#forward("getCertificateOperation");
  readonly updateCertificateOperation = this.#forward("updateCertificateOperation");
  readonly deleteCertificateOperation = this.#forward("deleteCertificateOperation");
  readonly mergeCertificate = this.#forward("mergeCertificate");
  readonly backupCertificate = this.#forward("backupCertificate");
  readonly restoreCertificate = this.#forward("restoreCertificate");
  readonly getContacts = this.#forward("getContacts");
  readonly setContacts = this.#forward("setContacts");
  readonly deleteContacts = this.#forward("deleteContacts");
  readonly listIssuers = this.#forward("listIssuers");
  readonly getIssuer = this.#forward("getIssuer");
  readonly setIssuer = this.#forward("setIssuer");
  readonly updateIssuer = this.#forward("updateIssuer");
  readonly deleteIssuer = this.#forward("deleteIssuer");
}
