/*
 * libhotline-echo: a frame-at-a-time wrapper around libspandsp's G.168 line echo
 * canceller, so the DAHDI I/O worker makes one FFI call per 20 ms frame instead of one
 * per sample (8000/s x 120 ports would cost more in call overhead than in filtering).
 *
 * hl_ec_create(taps, law)  -> handle (NULL on a bad argument or out of memory)
 * hl_ec_process(h, tx, rx, n): rx[i] -= echo of tx, in place, both G.711 in the card's law,
 *                              then the non-linear processor below
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
#define HL_MAX_BLOCK 8192 /* DAHDI_SET_BLOCKSIZE's limit; bounds the stack buffer below */

/* Non-linear processor (NLP). The linear filter alone takes several seconds of far-end
   speech to reach 20 dB; G.168 cancellers follow it with an NLP that suppresses the
   residual while only the far end talks. spandsp 0.0.6's own NLP (ECHO_CAN_USE_NLP)
   mutes the near end too (measured: double talk comes out silent), so this shim does
   its own, per frame: a Geigel double-talk detector (near end present when the
   received peak exceeds half the far-end peak over the echo window, i.e. assuming the
   hybrid returns at least 6 dB less than it gets) with a hangover, and a fixed
   attenuation of the cleaned signal when the far end talks alone and the linear filter
   removed at least 6 dB of the frame. */
#define HL_NLP_GAIN_SHIFT 4     /* residual attenuated by 1/16: 24 dB */
#define HL_NLP_HANGOVER 2       /* frames the double-talk decision holds after the near end stops */
#define HL_FAR_ACTIVE 64        /* far-end peak (linear) below which there is nothing to suppress */
#define HL_PEAK_FRAMES 16       /* frame peaks kept: covers 1024 taps with 160-sample frames */

/* A port with nothing played (an idle line, the pauses of a call) has no echo to cancel.
   Once the far end has been silent for longer than the taps reach back, the filter's
   history holds only silence whatever follows, so frames are passed through untouched
   until the far end plays again: idle ports then cost next to nothing. */
#define HL_SILENT_LEVEL 16      /* |sample| at or below which tx counts as silence (idle codes decode to 0 or 8) */

typedef struct {
  echo_can_state_t *ec;
  int law, taps;
  int tx_peak[HL_PEAK_FRAMES]; int peak_pos; /* |tx| peak of each of the last frames */
  int hangover;
  int silent; /* samples since tx was last above HL_SILENT_LEVEL */
} hl_ec_t;

/* Linear filter adaption only: no spandsp NLP, comfort noise or clipping (see above),
   and no receive high-pass either — it changed the near end's speech enough to leave
   a residual 5 dB under the echo during double talk (measured), against 13 dB without. */
#define HL_EC_MODE (ECHO_CAN_USE_ADAPTION)

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
  h->taps = len;
  return h;
}

static int16_t dec(const hl_ec_t *h, uint8_t b) { return h->law == HL_LAW_ALAW ? alaw_to_linear(b) : ulaw_to_linear(b); }
static uint8_t enc(const hl_ec_t *h, int v) { return h->law == HL_LAW_ALAW ? linear_to_alaw(v) : linear_to_ulaw(v); }

/** Cleans n received samples in place against the n samples played over the same time. Returns n, or -1. */
int hl_ec_process(void *handle, const uint8_t *tx, uint8_t *rx, int n) {
  hl_ec_t *h = handle;
  if (!h || !tx || !rx || n < 0 || n > HL_MAX_BLOCK) return -1;
  if (n == 0) return 0;
  int tx_peak = 0;
  for (int i = 0; i < n; i++) { int t = abs(dec(h, tx[i])); if (t > tx_peak) tx_peak = t; }
  if (tx_peak <= HL_SILENT_LEVEL) {
    int skip = h->silent >= h->taps; /* the history is silence already: nothing to learn, nothing to cancel */
    if (h->silent < HL_MAX_TAPS) h->silent += n;
    if (skip) {
      h->tx_peak[h->peak_pos] = 0;
      h->peak_pos = (h->peak_pos + 1) % HL_PEAK_FRAMES;
      if (h->hangover > 0) h->hangover--;
      return n;
    }
  } else {
    h->silent = 0;
  }
  int16_t clean[n];
  int rx_peak = 0;
  double rx_energy = 0, clean_energy = 0;
  for (int i = 0; i < n; i++) {
    int16_t t = dec(h, tx[i]), r = dec(h, rx[i]);
    if (abs(r) > rx_peak) rx_peak = abs(r);
    clean[i] = echo_can_update(h->ec, t, r);
    rx_energy += (double)r * r;
    clean_energy += (double)clean[i] * clean[i];
  }
  h->tx_peak[h->peak_pos] = tx_peak;
  h->peak_pos = (h->peak_pos + 1) % HL_PEAK_FRAMES;
  /* Far-end peak over the echo window: this frame and the frames the taps reach back into. */
  int frames = h->taps / n + 2; if (frames > HL_PEAK_FRAMES) frames = HL_PEAK_FRAMES;
  int far = 0;
  for (int k = 1; k <= frames; k++) { int p = h->tx_peak[(h->peak_pos - k + HL_PEAK_FRAMES) % HL_PEAK_FRAMES]; if (p > far) far = p; }
  if (2 * rx_peak > far) h->hangover = HL_NLP_HANGOVER + 1; /* Geigel: louder than any echo could be */
  /* ...and only when the filter explained most of what arrived (took out 6 dB or more):
     then it was echo. A near end quieter than the far end but louder than the echo
     (DTMF keyed over dial tone, a soft talker) is not explained, and passes. */
  int suppress = far >= HL_FAR_ACTIVE && h->hangover == 0 && 4 * clean_energy < rx_energy;
  if (h->hangover > 0) h->hangover--;
  for (int i = 0; i < n; i++) rx[i] = enc(h, suppress ? clean[i] >> HL_NLP_GAIN_SHIFT : clean[i]);
  return n;
}

/** Frees a canceller (NULL is ignored). */
void hl_ec_free(void *handle) {
  hl_ec_t *h = handle;
  if (!h) return;
  echo_can_free(h->ec);
  free(h);
}
