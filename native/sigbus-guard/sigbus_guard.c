/*
 * sigbus_guard: a fault on a registered read-only file mapping becomes a page of zeros.
 *
 * Why: Brooklet serves sealed segments from read-only shared mappings. If another process
 * shrinks a mapped file, touching a mapped page that now lies wholly past the end of the file
 * raises SIGBUS, and the default action kills the broker. JavaScript cannot catch a signal, so
 * this addon installs one process-wide SIGBUS handler. When the faulting address lies inside a
 * registered mapping, the handler maps one anonymous zero-filled page over the faulting page
 * (MAP_FIXED) and returns; the access is retried and reads zeros. The handler counts these
 * repairs; the storage layer reads the count after touching a mapping and, when it moved,
 * checks its files (storage/sealed-guard.ts) and stops serving the damaged range.
 *
 * A fault outside every registered range is not ours: it goes to the handler that was
 * installed before (or, when that was the default, the default action is restored and the
 * access retried, so the process dies exactly as it would have without this addon).
 *
 * JavaScript API (all on the main or a worker thread, never from the handler):
 *   register(buffer) -> slot        the buffer must be the whole mapping (its data pointer is
 *                                   the page-aligned address mmap returned)
 *   unregister(slot)                before the mapping is dropped
 *   faultCounter                    a Uint32Array of length 1 over the count of repairs so far,
 *                                   process-wide (wraps at 2^32): reading it is a plain memory
 *                                   load, cheap enough to do on every read
 *
 * Table: a fixed array of slots, each an address and a length. Writers (register, unregister)
 * take a mutex; the handler reads without locking, so every field is an atomic and a slot's
 * length is published last and cleared first. The table has as many slots as Linux's default
 * vm.max_map_count, the number of mappings one process may hold.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <node_api.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SLOT_COUNT 65536

typedef struct {
  _Atomic uintptr_t start;
  _Atomic size_t length; /* 0: the slot is free */
} slot_t;

static slot_t slots[SLOT_COUNT];
static _Atomic uint32_t slots_in_use_bound; /* every used slot is below this index */
static _Atomic uint32_t repairs;
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_flag installed = ATOMIC_FLAG_INIT;
static struct sigaction previous;
static uintptr_t page_mask;

static void pass_on(int signo, siginfo_t *info, void *context) {
  if (previous.sa_flags & SA_SIGINFO) {
    previous.sa_sigaction(signo, info, context);
    return;
  }
  if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
    previous.sa_handler(signo);
    return;
  }
  /* No handler before ours: restore the default action. A real fault repeats when the access is
   * retried and the process dies of it; a signal sent by kill() is raised again. */
  struct sigaction fallback;
  memset(&fallback, 0, sizeof fallback);
  fallback.sa_handler = SIG_DFL;
  sigemptyset(&fallback.sa_mask);
  sigaction(SIGBUS, &fallback, NULL);
  if (info->si_code <= 0) raise(SIGBUS);
}

static void on_sigbus(int signo, siginfo_t *info, void *context) {
  int saved_errno = errno;
  if (info->si_code > 0) { /* raised by a fault, not sent by a process */
    uintptr_t address = (uintptr_t)info->si_addr;
    uint32_t bound = atomic_load_explicit(&slots_in_use_bound, memory_order_acquire);
    for (uint32_t i = 0; i < bound; i++) {
      size_t length = atomic_load_explicit(&slots[i].length, memory_order_acquire);
      if (length == 0) continue;
      uintptr_t start = atomic_load_explicit(&slots[i].start, memory_order_relaxed);
      if (address - start >= length) continue;
      void *page = (void *)(address & page_mask);
      void *zeros = mmap(page, ~page_mask + 1, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
      if (zeros != MAP_FAILED) {
        atomic_fetch_add_explicit(&repairs, 1, memory_order_release);
        errno = saved_errno;
        return;
      }
      break; /* could not repair: behave as if the address were not ours */
    }
  }
  errno = saved_errno;
  pass_on(signo, info, context);
}

static napi_value throw_error(napi_env env, const char *message) {
  napi_throw_error(env, NULL, message);
  return NULL;
}

static napi_value js_register(napi_env env, napi_callback_info cb) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, cb, &argc, argv, NULL, NULL) != napi_ok || argc < 1) return throw_error(env, "register(buffer): a buffer is required");
  bool is_buffer = false;
  napi_is_buffer(env, argv[0], &is_buffer);
  if (!is_buffer) return throw_error(env, "register(buffer): not a Buffer");
  void *data = NULL;
  size_t length = 0;
  if (napi_get_buffer_info(env, argv[0], &data, &length) != napi_ok) return throw_error(env, "register(buffer): cannot read the buffer");
  if (length == 0) return throw_error(env, "register(buffer): the buffer is empty");
  if (((uintptr_t)data & ~page_mask) != 0) return throw_error(env, "register(buffer): not the start of a mapping (the address is not page-aligned)");

  pthread_mutex_lock(&slots_lock);
  uint32_t bound = atomic_load_explicit(&slots_in_use_bound, memory_order_relaxed);
  uint32_t slot = bound;
  for (uint32_t i = 0; i < bound; i++) {
    if (atomic_load_explicit(&slots[i].length, memory_order_relaxed) == 0) {
      slot = i;
      break;
    }
  }
  if (slot == SLOT_COUNT) {
    pthread_mutex_unlock(&slots_lock);
    return throw_error(env, "register(buffer): all 65536 slots are in use (more mappings than vm.max_map_count allows by default)");
  }
  atomic_store_explicit(&slots[slot].start, (uintptr_t)data, memory_order_relaxed);
  atomic_store_explicit(&slots[slot].length, length, memory_order_release);
  if (slot == bound) atomic_store_explicit(&slots_in_use_bound, bound + 1, memory_order_release);
  pthread_mutex_unlock(&slots_lock);

  napi_value result;
  napi_create_uint32(env, slot, &result);
  return result;
}

static napi_value js_unregister(napi_env env, napi_callback_info cb) {
  size_t argc = 1;
  napi_value argv[1];
  uint32_t slot = SLOT_COUNT;
  if (napi_get_cb_info(env, cb, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_uint32(env, argv[0], &slot) != napi_ok || slot >= SLOT_COUNT) {
    return throw_error(env, "unregister(slot): a slot number from register() is required");
  }
  pthread_mutex_lock(&slots_lock);
  atomic_store_explicit(&slots[slot].length, 0, memory_order_release);
  pthread_mutex_unlock(&slots_lock);
  return NULL;
}

static bool install_handler(void) {
  page_mask = ~((uintptr_t)sysconf(_SC_PAGESIZE) - 1);
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_sigaction = on_sigbus;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&action.sa_mask);
  return sigaction(SIGBUS, &action, &previous) == 0;
}

NAPI_MODULE_INIT() {
  /* One handler per process, however many threads load the addon. */
  if (!atomic_flag_test_and_set(&installed) && !install_handler()) {
    napi_throw_error(env, NULL, "sigbus-guard: sigaction(SIGBUS) failed");
    return NULL;
  }
  napi_property_descriptor api[] = {
      {"register", NULL, js_register, NULL, NULL, NULL, napi_default, NULL},
      {"unregister", NULL, js_unregister, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof api / sizeof api[0], api);
  /* The count itself, shared with JavaScript; never freed (it is static), so no finalizer. */
  napi_value buffer, counter;
  if (napi_create_external_arraybuffer(env, (void *)&repairs, sizeof repairs, NULL, NULL, &buffer) != napi_ok ||
      napi_create_typedarray(env, napi_uint32_array, 1, buffer, 0, &counter) != napi_ok ||
      napi_set_named_property(env, exports, "faultCounter", counter) != napi_ok) {
    napi_throw_error(env, NULL, "sigbus-guard: cannot share the fault count");
    return NULL;
  }
  return exports;
}
