{
  "targets": [
    {
      "target_name": "sigbus_guard",
      "sources": ["sigbus_guard.c"],
      "cflags": ["-std=c11", "-O2", "-Wall", "-Wextra"]
    }
  ]
}
