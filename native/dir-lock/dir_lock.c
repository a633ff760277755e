/*
 * dir_lock: the OS lock Brooklet holds on its data directory's `.lock` file, as Kafka locks a
 * log dir (FileChannel.tryLock, which is an fcntl record lock on Linux).
 *
 * Why an OS lock and not a pid file: the kernel drops the lock when the holder exits, however it
 * exits (kill -9 included), so a stale lock can never keep a broker from starting, and a pid that
 * was reused by another program can never be mistaken for a holder. Node has no file-lock call,
 * hence this addon.
 *
 * Why fcntl (POSIX record locks) and not flock: fcntl locks belong to the process, so the same
 * process opening its own data directory again (tests simulate a crash that way) is not refused,
 * while any other process is; and F_GETLK names the holder's pid, which the refusal prints.
 *
 * JavaScript API:
 *   tryLock(fd) -> 0 when this process now holds an exclusive lock on the whole file;
 *                  otherwise the pid of the process that holds it (or -1 when the kernel
 *                  could not say). Throws on any other error (a bad descriptor, no locks on
 *                  this file system).
 * The lock is released when the descriptor is closed or the process exits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static napi_value throw_error(napi_env env, const char *message) {
  napi_throw_error(env, NULL, message);
  return NULL;
}

static void whole_file(struct flock *lock, short type) {
  memset(lock, 0, sizeof *lock);
  lock->l_type = type;
  lock->l_whence = SEEK_SET;
  lock->l_start = 0;
  lock->l_len = 0; /* to the end of the file, however long it grows */
}

static napi_value js_try_lock(napi_env env, napi_callback_info cb) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd = -1;
  if (napi_get_cb_info(env, cb, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0) {
    return throw_error(env, "tryLock(fd): an open file descriptor is required");
  }
  struct flock lock;
  whole_file(&lock, F_WRLCK);
  int32_t holder = 0;
  if (fcntl(fd, F_SETLK, &lock) != 0) {
    if (errno != EACCES && errno != EAGAIN) {
      char message[160];
      snprintf(message, sizeof message, "tryLock(fd): fcntl(F_SETLK) failed: %s", strerror(errno));
      return throw_error(env, message);
    }
    struct flock probe;
    whole_file(&probe, F_WRLCK);
    holder = (fcntl(fd, F_GETLK, &probe) == 0 && probe.l_type != F_UNLCK && probe.l_pid > 0) ? probe.l_pid : -1;
  }
  napi_value result;
  napi_create_int32(env, holder, &result);
  return result;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor api[] = {
      {"tryLock", NULL, js_try_lock, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof api / sizeof api[0], api);
  return exports;
}
