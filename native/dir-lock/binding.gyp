{
  "targets": [
    {
      "target_name": "dir_lock",
      "sources": ["dir_lock.c"],
      "cflags": ["-std=c11", "-O2", "-Wall", "-Wextra"]
    }
  ]
}
