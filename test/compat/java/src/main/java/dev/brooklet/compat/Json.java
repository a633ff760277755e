package dev.brooklet.compat;

import java.util.List;

/** Just enough JSON writing for one flat record line; no dependency beyond kafka-clients. */
final class Json {
    private Json() {}

    static String string(String s) {
        if (s == null) return "null";
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                default:
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
            }
        }
        return out.append('"').toString();
    }

    /** One record as {"partition":..,"offset":..,"key":..,"value":..,"headers":[[k,v],..],"timestamp":..}. */
    static String record(int partition, long offset, String key, String value,
                         List<String[]> headers, long timestamp) {
        StringBuilder h = new StringBuilder("[");
        for (int k = 0; k < headers.size(); k++) {
            if (k > 0) h.append(',');
            h.append('[').append(string(headers.get(k)[0])).append(',')
             .append(string(headers.get(k)[1])).append(']');
        }
        h.append(']');
        return "{\"partition\":" + partition + ",\"offset\":" + offset + ",\"key\":" + string(key)
            + ",\"value\":" + string(value) + ",\"headers\":" + h + ",\"timestamp\":" + timestamp + "}";
    }
}
