/*
 * libhotline-echo: a frame-at-a-time wrapper around libspandsp's G.168 line echo
 * canceller, so the DAHDI I/O worker makes one FFI call per 20 ms frame instead of one
 * per sample (8000/s x 120 ports would cost more in call overhead than in filtering).
 *
 * hl_ec_create(taps, law)  -> handle (NULL on a bad argument or out of memory)
 * hl_ec_process(h, tx, rx, n): rx[i] -= echo of tx, in place, both G.711 in the card's law
 * hl_ec_free(h)
 *
 * tx is what the port played during the same n samples as rx was received (the
 * caller aligns them); the canceller's taps cover the hybrid's echo path after that.
 */
#include <stdint.h>
#include <stdlib.h>
#include <spandsp/telephony.h>
#include <spandsp/bit_operations.h> /* top_bit(), which g711.h uses */
#include <spandsp/fir.h>
#include <spandsp/echo.h>
#include <spandsp/g711.h>

/* Laws: the values DAHDI_SETLAW takes (include/dahdi/user.h). */
#define HL_LAW_MULAW 1
#define HL_LAW_ALAW 2
#define HL_MAX_TAPS 1024

typedef struct {
  echo_can_state_t *ec;
  int law;
} hl_ec_t;

/* Adaption, plus the non-linear processor that removes the residual the linear filter
   leaves (it switches off while the near end talks); no comfort noise, no clipping,
   so a silent line stays silent. The receive high-pass filter strips DC and hum that
   would otherwise slow convergence. */
#define HL_EC_MODE (ECHO_CAN_USE_ADAPTION | ECHO_CAN_USE_NLP | ECHO_CAN_USE_RX_HPF)

/* libspandsp 0.0.6's echo_can_update prints debugging lines per sample; the Makefile
   routes its printf calls here (ld --wrap), where they are dropped. */
int __wrap___printf_chk(int flag, const char *fmt, ...) { (void)flag; (void)fmt; return 0; }
int __wrap_printf(const char *fmt, ...) { (void)fmt; return 0; }

/** Creates a canceller of `taps` samples (rounded up to a power of two, 8..1024) for `law`. */
void *hl_ec_create(int taps, int law) {
  if (taps <= 0 || taps > HL_MAX_TAPS || (law != HL_LAW_MULAW && law != HL_LAW_ALAW)) return NULL;
  int len = 8;
  while (len < taps) len <<= 1; /* spandsp indexes its tap history with a power-of-two mask */
  hl_ec_t *h = calloc(1, sizeof *h);
  if (!h) return NULL;
  h->ec = echo_can_init(len, HL_EC_MODE);
  if (!h->ec) { free(h); return NULL; }
  h->law = law;
  return h;
}

/** Cleans n received samples in place against the n samples played over the same time. Returns n, or -1. */
int hl_ec_process(void *handle, const uint8_t *tx, uint8_t *rx, int n) {
  hl_ec_t *h = handle;
  if (!h || !tx || !rx || n < 0) return -1;
  if (h->law == HL_LAW_ALAW) {
    for (int i = 0; i < n; i++) rx[i] = linear_to_alaw(echo_can_update(h->ec, alaw_to_linear(tx[i]), alaw_to_linear(rx[i])));
  } else {
    for (int i = 0; i < n; i++) rx[i] = linear_to_ulaw(echo_can_update(h->ec, ulaw_to_linear(tx[i]), ulaw_to_linear(rx[i])));
  }
  return n;
}

/** Forgets what the canceller learned (a new call on the port: a new echo path). */
void hl_ec_flush(void *handle) {
  hl_ec_t *h = handle;
  if (h) echo_can_flush(h->ec);
}

/** Frees a canceller (NULL is ignored). */
void hl_ec_free(void *handle) {
  hl_ec_t *h = handle;
  if (!h) return;
  echo_can_free(h->ec);
  free(h);
}
