// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "dossier-certificate.h"

#include "dossier-crypto-error.h"

#include <glib/gi18n-lib.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/* An X.509 certificate as a trust anchor, such as an EU DCC document signer
 * certificate: its key, its COSE key id (the first 8 bytes of the SHA-256
 * of its DER form), its validity and its extended key usages. */
struct _DossierCertificate
{
  GObject    parent_instance;
  X509      *x509;
  EVP_PKEY  *pkey;
  GBytes    *kid;
  char      *subject;
  char     **ekus;
  gint64     not_before;
  gint64     not_after;
};

G_DEFINE_FINAL_TYPE (DossierCertificate, dossier_certificate, G_TYPE_OBJECT)

static void
dossier_certificate_finalize (GObject *object)
{
  DossierCertificate *self = DOSSIER_CERTIFICATE (object);

  X509_free (self->x509);
  EVP_PKEY_free (self->pkey);
  g_clear_pointer (&self->kid, g_bytes_unref);
  g_free (self->subject);
  g_strfreev (self->ekus);
  G_OBJECT_CLASS (dossier_certificate_parent_class)->finalize (object);
}

static void
dossier_certificate_class_init (DossierCertificateClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dossier_certificate_finalize;
}

static void
dossier_certificate_init (DossierCertificate *self)
{
}

static gint64
asn1_time_to_unix (const ASN1_TIME *time)
{
  struct tm tm = { 0 };

  if (time == NULL || ASN1_TIME_to_tm (time, &tm) != 1)
    return 0;
  return (gint64) timegm (&tm);
}

static char **
extended_key_usages (X509 *x509)
{
  EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i (x509, NID_ext_key_usage, NULL, NULL);
  GPtrArray *oids = g_ptr_array_new ();

  for (int i = 0; eku != NULL && i < sk_ASN1_OBJECT_num (eku); i++)
    {
      char text[128];

      if (OBJ_obj2txt (text, sizeof text, sk_ASN1_OBJECT_value (eku, i), 1) > 0)
        g_ptr_array_add (oids, g_strdup (text));
    }
  EXTENDED_KEY_USAGE_free (eku);
  g_ptr_array_add (oids, NULL);
  return (char **) g_ptr_array_free (oids, FALSE);
}

static DossierCertificate *
certificate_new (X509 *x509)
{
  DossierCertificate *self = g_object_new (DOSSIER_TYPE_CERTIFICATE, NULL);
  unsigned char *der = NULL;
  int der_len = i2d_X509 (x509, &der);
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  char *name;

  self->x509 = x509;
  self->pkey = X509_get_pubkey (x509);
  if (der_len > 0)
    {
      g_checksum_update (checksum, der, (gssize) der_len);
      g_checksum_get_digest (checksum, digest, &digest_len);
      self->kid = g_bytes_new (digest, 8);
    }
  OPENSSL_free (der);
  name = X509_NAME_oneline (X509_get_subject_name (x509), NULL, 0);
  self->subject = g_strdup (name);
  OPENSSL_free (name);
  self->ekus = extended_key_usages (x509);
  self->not_before = asn1_time_to_unix (X509_get0_notBefore (x509));
  self->not_after = asn1_time_to_unix (X509_get0_notAfter (x509));
  return self;
}

/* Every certificate of a PEM file or bundle. */
GPtrArray *
dossier_certificate_parse_pem (const char  *data,
                               gsize        length,
                               GError     **error)
{
  g_autoptr(GPtrArray) certificates = g_ptr_array_new_with_free_func (g_object_unref);
  BIO *bio;
  X509 *x509;

  if (length > DOSSIER_CERTIFICATE_MAX_PEM)
    {
      g_set_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_TOO_LARGE,
                   _("The certificate file is larger than %d bytes"), DOSSIER_CERTIFICATE_MAX_PEM);
      return NULL;
    }
  bio = BIO_new_mem_buf (data, (int) length);
  while ((x509 = PEM_read_bio_X509 (bio, NULL, NULL, NULL)) != NULL)
    {
      DossierCertificate *certificate = certificate_new (x509);

      if (certificate->pkey != NULL && certificate->kid != NULL)
        g_ptr_array_add (certificates, certificate);
      else
        g_object_unref (certificate);
    }
  BIO_free (bio);
  if (certificates->len == 0)
    {
      g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_MALFORMED,
                           _("The file holds no usable PEM certificate"));
      return NULL;
    }
  return g_steal_pointer (&certificates);
}

/* One certificate in DER form, with nothing after it. */
DossierCertificate *
dossier_certificate_new_from_der (const guint8  *der,
                                  gsize          length,
                                  GError       **error)
{
  const unsigned char *cursor = der;
  DossierCertificate *certificate;
  X509 *x509;

  if (length > DOSSIER_CERTIFICATE_MAX_PEM)
    {
      g_set_error (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_TOO_LARGE,
                   _("The certificate is larger than %d bytes"), DOSSIER_CERTIFICATE_MAX_PEM);
      return NULL;
    }
  x509 = d2i_X509 (NULL, &cursor, (long) length);
  if (x509 == NULL || cursor != der + length)
    {
      X509_free (x509);
      g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_MALFORMED,
                           _("Not a DER-encoded X.509 certificate"));
      return NULL;
    }
  certificate = certificate_new (x509);
  if (certificate->pkey == NULL || certificate->kid == NULL)
    {
      g_object_unref (certificate);
      g_set_error_literal (error, DOSSIER_CRYPTO_ERROR, DOSSIER_CRYPTO_ERROR_UNSUPPORTED,
                           _("The certificate’s public key cannot be used"));
      return NULL;
    }
  return certificate;
}

/* Whether the certificate's key usage, when it states one, allows
 * signatures. */
gboolean
dossier_certificate_allows_signing (DossierCertificate *self)
{
  g_return_val_if_fail (DOSSIER_IS_CERTIFICATE (self), FALSE);
  return (X509_get_key_usage (self->x509) & KU_DIGITAL_SIGNATURE) != 0;
}

EVP_PKEY *
dossier_certificate_get_pkey (DossierCertificate *self)
{
  g_return_val_if_fail (DOSSIER_IS_CERTIFICATE (self), NULL);
  return self->pkey;
}

GBytes *
dossier_certificate_get_kid (DossierCertificate *self)
{
  g_return_val_if_fail (DOSSIER_IS_CERTIFICATE (self), NULL);
  return self->kid;
}

gint64
dossier_certificate_get_not_before (DossierCertificate *self)
{
  g_return_val_if_fail (DOSSIER_IS_CERTIFICATE (self), 0);
  return self->not_before;
}

gint64
dossier_certificate_get_not_after (DossierCertificate *self)
{
  g_return_val_if_fail (DOSSIER_IS_CERTIFICATE (self), 0);
  return self->not_after;
}

const char *
dossier_certificate_get_subject (DossierCertificate *self)
{
  g_return_val_if_fail (DOSSIER_IS_CERTIFICATE (self), NULL);
  return self->subject;
}

const char * const *
dossier_certificate_get_ekus (DossierCertificate *self)
{
  g_return_val_if_fail (DOSSIER_IS_CERTIFICATE (self), NULL);
  return (const char * const *) self->ekus;
}

gboolean
dossier_certificate_has_eku (DossierCertificate *self,
                             const char         *oid)
{
  g_return_val_if_fail (DOSSIER_IS_CERTIFICATE (self), FALSE);
  return g_strv_contains ((const char * const *) self->ekus, oid);
}
