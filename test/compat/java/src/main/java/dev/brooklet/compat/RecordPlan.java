package dev.brooklet.compat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What record number i looks like. The same rule lives in test/compat/python/compat_client.py
 * and test/compat/record-plan.ts, so the test can check the payloads, not just echo them.
 *
 *   partition  i % partitions
 *   key        null when i % 5 == 4, else "key-<i>"
 *   value      null when i % 13 == 12, else "value-<i>-" followed by (i % 7) * 8 copies of
 *              "brooklet " (compressible, varied lengths)
 *   headers    i % 3 == 0: none; i % 3 == 1: [idx=<i>];
 *              i % 3 == 2: [idx=<i>, codec=<codec>, idx=dup] (a repeated key is legal);
 *              and when i % 6 == 5 also [nullable=null] (a header with a null value)
 *   timestamp  base + 3 * i, base being the producer's start time in ms
 */
final class RecordPlan {
    private RecordPlan() {}

    static int partition(int i, int partitions) {
        return i % partitions;
    }

    static String key(int i) {
        return i % 5 == 4 ? null : "key-" + i;
    }

    static String value(int i) {
        if (i % 13 == 12) return null;
        return "value-" + i + "-" + "brooklet ".repeat((i % 7) * 8);
    }

    static List<String[]> headers(int i, String codec) {
        List<String[]> headers = new ArrayList<>();
        if (i % 3 == 1) {
            headers.add(new String[] {"idx", Integer.toString(i)});
        } else if (i % 3 == 2) {
            headers.add(new String[] {"idx", Integer.toString(i)});
            headers.add(new String[] {"codec", codec});
            headers.add(new String[] {"idx", "dup"});
        }
        if (i % 6 == 5) headers.add(new String[] {"nullable", null});
        return headers;
    }

    static long timestamp(long base, int i) {
        return base + 3L * i;
    }

    static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    static String string(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
