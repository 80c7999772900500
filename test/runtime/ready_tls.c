/* ready_tls.c: OpenSSL driven through weft_wait_readable / weft_wait_writable: a TLS 1.3 handshake, 1 MiB each way and
 * close_notify over a non-blocking socketpair, client and server as two fibers of one loop.
 * Proves: a real library that does its own IO runs on weft's loop by retrying SSL_* on WANT_READ / WANT_WRITE after the
 * matching wait; both kinds of wait happen; the client verifies the server's certificate (self-signed, made here with the
 * OpenSSL API at run time: no key or certificate is committed) against the name "localhost". */
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <weft.h>

#include "check.h"
#include "support.h"

enum { BULK = 1 << 20 };

enum phase { HANDSHAKE, SEND, RECEIVE, SHUTDOWN, DONE };

struct end {
  const char *name;
  SSL *ssl;
  int fd;
  const enum phase *plan; /* the phases in order, ending with DONE */
  size_t at;
  const unsigned char *out; /* SEND: these bytes */
  size_t out_len, sent;
  size_t expect, got;       /* RECEIVE: this many bytes; their checksum */
  unsigned long sum;
  int waits_readable, waits_writable;
};

static void ssl_failed(const struct end *e, const char *what, int err) {
  fprintf(stderr, "%s: %s failed: SSL_get_error %d\n", e->name, what, err);
  ERR_print_errors_fp(stderr);
  exit(1);
}

static async(void) step(struct end *e);

static async(void) retry(struct end *e) {
  return step(e);
}

/* One phase after another, each retried after the wait OpenSSL asks for.
 * Progress without a wait loops here: no C recursion, and the waits are
 * where the fiber yields. */
static async(void) step(struct end *e) {
  for (;;) {
    int r;
    size_t n = 0;
    const char *what;
    switch (e->plan[e->at]) {
    case HANDSHAKE:
      what = "SSL_do_handshake";
      r = SSL_do_handshake(e->ssl);
      if (r == 1) {
        e->at++;
        continue;
      }
      break;
    case SEND:
      what = "SSL_write_ex";
      r = SSL_write_ex(e->ssl, e->out + e->sent, e->out_len - e->sent, &n);
      if (r == 1) {
        e->sent += n;
        if (e->sent == e->out_len) e->at++;
        continue;
      }
      break;
    case RECEIVE: {
      unsigned char buf[16384];
      what = "SSL_read_ex";
      r = SSL_read_ex(e->ssl, buf, sizeof buf, &n);
      if (r == 1) {
        for (size_t i = 0; i < n; i++) e->sum = e->sum * 31 + buf[i];
        e->got += n;
        CHECK_UINT_LE(e->got, e->expect);
        if (e->got == e->expect) e->at++;
        continue;
      }
      break;
    }
    case SHUTDOWN:
      /* 0: our close_notify is sent, the peer's not yet received. */
      what = "SSL_shutdown";
      r = SSL_shutdown(e->ssl);
      if (r == 1) {
        e->at++;
        continue;
      }
      if (r == 0) {
        r = -1; /* read the peer's close_notify: SSL_read says when */
        unsigned char byte;
        int rr = SSL_read_ex(e->ssl, &byte, 1, &n);
        int err = SSL_get_error(e->ssl, rr);
        if (err == SSL_ERROR_ZERO_RETURN) continue; /* the next SSL_shutdown returns 1 */
        if (err == SSL_ERROR_WANT_READ) {
          e->waits_readable++;
          return weft_then(weft_wait_readable(e->fd), retry, e);
        }
        ssl_failed(e, "SSL_read_ex for close_notify", err);
      }
      break;
    case DONE:
      return weft_return(void);
    }
    int err = SSL_get_error(e->ssl, r);
    if (err == SSL_ERROR_WANT_READ) {
      e->waits_readable++;
      return weft_then(weft_wait_readable(e->fd), retry, e);
    }
    if (err == SSL_ERROR_WANT_WRITE) {
      e->waits_writable++;
      return weft_then(weft_wait_writable(e->fd), retry, e);
    }
    ssl_failed(e, what, err);
  }
}

/* A self-signed certificate for "localhost", P-256, valid for a day. */
static X509 *make_cert(EVP_PKEY *key) {
  X509 *cert = X509_new();
  CHECK_TRUE(cert != NULL);
  CHECK_INT_EQ(X509_set_version(cert, 2), 1);
  CHECK_INT_EQ(ASN1_INTEGER_set(X509_get_serialNumber(cert), 1), 1);
  CHECK_TRUE(X509_gmtime_adj(X509_getm_notBefore(cert), -60) != NULL);
  CHECK_TRUE(X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600) != NULL);
  CHECK_INT_EQ(X509_set_pubkey(cert, key), 1);
  X509_NAME *name = X509_get_subject_name(cert);
  CHECK_INT_EQ(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"localhost", -1, -1, 0), 1);
  CHECK_INT_EQ(X509_set_issuer_name(cert, name), 1);
  CHECK_INT_GT(X509_sign(cert, key, EVP_sha256()), 0);
  return cert;
}

int main(void) {
  EVP_PKEY *key = EVP_EC_gen("P-256");
  CHECK_TRUE(key != NULL);
  X509 *cert = make_cert(key);

  SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
  SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
  CHECK_TRUE(sctx != NULL && cctx != NULL);
  CHECK_INT_EQ(SSL_CTX_use_certificate(sctx, cert), 1);
  CHECK_INT_EQ(SSL_CTX_use_PrivateKey(sctx, key), 1);
  CHECK_INT_EQ(SSL_CTX_set_min_proto_version(cctx, TLS1_3_VERSION), 1);
  CHECK_INT_EQ(X509_STORE_add_cert(SSL_CTX_get_cert_store(cctx), cert), 1);
  SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);

  /* OpenSSL's sockets are its own: non-blocking, as it wants them. */
  int sv[2];
  CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv));
  SSL *client = SSL_new(cctx), *server = SSL_new(sctx);
  CHECK_TRUE(client != NULL && server != NULL);
  CHECK_INT_EQ(SSL_set1_host(client, "localhost"), 1);
  CHECK_INT_EQ(SSL_set_tlsext_host_name(client, "localhost"), 1);
  CHECK_INT_EQ(SSL_set_fd(client, sv[0]), 1);
  CHECK_INT_EQ(SSL_set_fd(server, sv[1]), 1);
  SSL_set_connect_state(client);
  SSL_set_accept_state(server);

  unsigned char *up = malloc(BULK), *down = malloc(BULK);
  CHECK_TRUE(up != NULL && down != NULL);
  unsigned long up_sum = 0, down_sum = 0;
  for (size_t i = 0; i < BULK; i++) {
    up[i] = (unsigned char)(i * 7 + 3);
    down[i] = (unsigned char)(i * 13 + 5);
    up_sum = up_sum * 31 + up[i];
    down_sum = down_sum * 31 + down[i];
  }

  /* 1 MiB does not fit in the socket buffers: the sender meets
   * WANT_WRITE until the receiver, meeting WANT_READ, catches up; then
   * the other way round. */
  static const enum phase client_plan[] = {HANDSHAKE, SEND, RECEIVE, SHUTDOWN, DONE};
  static const enum phase server_plan[] = {HANDSHAKE, RECEIVE, SEND, SHUTDOWN, DONE};
  struct end c = {.name = "client", .ssl = client, .fd = sv[0], .plan = client_plan, .out = up, .out_len = BULK,
                  .expect = BULK};
  struct end s = {.name = "server", .ssl = server, .fd = sv[1], .plan = server_plan, .out = down, .out_len = BULK,
                  .expect = BULK};
  CHECK_INT_EQ(weft_run(weft_join(step(&c), step(&s)), NULL), 0);

  CHECK_UINT_EQ(s.got, BULK);
  CHECK_UINT_EQ(s.sum, up_sum);
  CHECK_UINT_EQ(c.got, BULK);
  CHECK_UINT_EQ(c.sum, down_sum);
  CHECK_INT_EQ(SSL_get_verify_result(client), X509_V_OK);
  CHECK_INT_EQ(SSL_version(client), TLS1_3_VERSION);
  printf("tls: %s, 1 MiB each way; client waited %d times readable and %d writable, server %d and %d\n",
         SSL_get_version(client), c.waits_readable, c.waits_writable, s.waits_readable, s.waits_writable);
  CHECK_INT_GT(c.waits_readable + s.waits_readable, 0);
  CHECK_INT_GT(c.waits_writable + s.waits_writable, 0);

  SSL_free(client);
  SSL_free(server);
  SSL_CTX_free(cctx);
  SSL_CTX_free(sctx);
  X509_free(cert);
  EVP_PKEY_free(key);
  free(up);
  free(down);
  close(sv[0]);
  close(sv[1]);
  puts("ready_tls: ok");
  return 0;
}
