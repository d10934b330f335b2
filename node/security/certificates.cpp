#include "certificates.hpp"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "checked_write.hpp"
#include "identity_name.hpp"

namespace zonal::node {
namespace fs = std::filesystem;
namespace {

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using StorePtr = std::unique_ptr<X509_STORE, Deleter<X509_STORE, X509_STORE_free>>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX, X509_STORE_CTX_free>>;

constexpr const char* ca_common_name = "zonal cluster CA";

[[noreturn]] void fail(const std::string& what) {
  char text[256] = "unknown OpenSSL error";
  if (const unsigned long e = ERR_get_error(); e != 0) ERR_error_string_n(e, text, sizeof text);
  ERR_clear_error();
  throw CertificateError(what + ": " + text);
}

void check(int ok, const std::string& what) {
  if (ok != 1) fail(what);
}

KeyPtr new_key() {
  KeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) fail("generating an EC P-256 key");
  return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) fail(std::string("certificate extension ") + OBJ_nid2sn(nid));
  const int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  check(ok, "adding a certificate extension");
}

/// An unsigned certificate for `common_name` and `key`, valid `days` days from one hour ago.
CertPtr new_certificate(const std::string& common_name, EVP_PKEY* key, std::uint32_t days) {
  CertPtr cert(X509_new());
  if (!cert) fail("allocating a certificate");
  check(X509_set_version(cert.get(), 2), "certificate version");
  BnPtr serial(BN_new());
  check(BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY), "random serial number");
  if (BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) == nullptr) fail("serial number");
  if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(days) * 86400L) == nullptr)
    fail("validity period");
  check(X509_set_pubkey(cert.get(), key), "public key");
  X509_NAME* subject = X509_get_subject_name(cert.get());
  check(X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("zonal"), -1, -1, 0),
        "subject organisation");
  check(X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name.c_str()),
                                   -1, -1, 0),
        "subject common name");
  return cert;
}

std::string pem_of(const X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_X509(bio.get(), cert), "encoding a certificate");
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::string pem_of(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr), "encoding a key");
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

CertPtr cert_of(const std::string& pem, const std::string& what) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  CertPtr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) fail(what + ": not a PEM certificate");
  return cert;
}

KeyPtr key_of(const std::string& pem, const std::string& what) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  KeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) fail(what + ": not a PEM private key (unencrypted)");
  return key;
}

std::string common_name_of(const X509* cert) {
  const X509_NAME* subject = X509_get_subject_name(cert);
  const int i = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (i < 0) return {};
  const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), static_cast<std::size_t>(ASN1_STRING_length(s)));
}

void refuse_existing(const fs::path& file) {
  if (fs::exists(file)) throw CertificateError(file.string() + ": exists already; refusing to overwrite it");
}

void make_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw CertificateError(dir.string() + ": cannot create directory: " + ec.message());
}

void check_days(std::uint32_t days) {
  if (days < 1 || days > 36500) throw CertificateError("days: must be between 1 and 36500, got " + std::to_string(days));
}

}  // namespace

void create_ca(const fs::path& dir, std::uint32_t days) {
  check_days(days);
  refuse_existing(dir / ca_cert_file);
  refuse_existing(dir / ca_key_file);
  make_dir(dir);
  KeyPtr key = new_key();
  CertPtr cert = new_certificate(ca_common_name, key.get(), days);
  check(X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get())), "issuer name");
  add_extension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
  add_extension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) fail("signing the CA certificate");
  write_file_atomic(dir / ca_key_file, pem_of(key.get()), 0600);
  write_file_atomic(dir / ca_cert_file, pem_of(cert.get()), 0644);
}

void issue_identity(const fs::path& ca_dir, const std::string& name, const fs::path& out_dir, std::uint32_t days) {
  if (auto p = identity_name_problem(name)) throw CertificateError(*p);
  check_days(days);
  const std::string ca_pem = read_file(ca_dir / ca_cert_file);
  const CertPtr ca = cert_of(ca_pem, (ca_dir / ca_cert_file).string());
  const KeyPtr ca_key = key_of(read_file(ca_dir / ca_key_file), (ca_dir / ca_key_file).string());
  if (X509_check_private_key(ca.get(), ca_key.get()) != 1) fail((ca_dir / ca_key_file).string() + ": does not match ca.pem");
  for (const char* f : {identity_cert_file, identity_key_file, ca_cert_file}) refuse_existing(out_dir / f);
  make_dir(out_dir);
  KeyPtr key = new_key();
  CertPtr cert = new_certificate(name, key.get(), days);
  check(X509_set_issuer_name(cert.get(), X509_get_subject_name(ca.get())), "issuer name");
  add_extension(cert.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert.get(), ca.get(), NID_key_usage, "critical,digitalSignature,keyAgreement");
  add_extension(cert.get(), ca.get(), NID_ext_key_usage, "serverAuth,clientAuth");
  add_extension(cert.get(), ca.get(), NID_subject_alt_name, ("DNS:" + name).c_str());
  add_extension(cert.get(), ca.get(), NID_authority_key_identifier, "keyid:always");
  if (X509_sign(cert.get(), ca_key.get(), EVP_sha256()) == 0) fail("signing the certificate of " + name);
  write_file_atomic(out_dir / identity_key_file, pem_of(key.get()), 0600);
  write_file_atomic(out_dir / identity_cert_file, pem_of(cert.get()), 0644);
  write_file_atomic(out_dir / ca_cert_file, ca_pem, 0644);
}

std::string check_identity(const std::string& ca_pem, const std::string& cert_pem, const std::string& key_pem) {
  const CertPtr ca = cert_of(ca_pem, "tls.ca");
  const CertPtr cert = cert_of(cert_pem, "tls.cert");
  const KeyPtr key = key_of(key_pem, "tls.key");
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    throw CertificateError("tls.key: does not belong to the certificate tls.cert");
  }
  StorePtr store(X509_STORE_new());
  check(X509_STORE_add_cert(store.get(), ca.get()), "tls.ca: loading the CA certificate");
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  check(X509_STORE_CTX_init(ctx.get(), store.get(), cert.get(), nullptr), "preparing certificate verification");
  if (X509_verify_cert(ctx.get()) != 1) {
    const int e = X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    throw CertificateError(std::string("tls.cert: not accepted by tls.ca: ") + X509_verify_cert_error_string(e));
  }
  const std::string name = common_name_of(cert.get());
  if (auto p = identity_name_problem(name)) throw CertificateError("tls.cert: subject common " + *p);
  return name;
}

}  // namespace zonal::node
