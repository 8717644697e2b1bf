// What the X.509 layer throws for input it cannot read or encode: a malformed certificate, request,
// PKCS#12 or PEM, or a name that is not one. The message says what was wrong; the vault answers 400.

export class X509Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = "X509Error";
  }
}
