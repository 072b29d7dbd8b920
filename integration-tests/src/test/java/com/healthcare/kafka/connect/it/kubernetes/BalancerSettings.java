package com.healthcare.kafka.connect.it.kubernetes;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings of the shipped HAProxy configuration (mllp-balancer.yaml) that decide how fast senders move off a
 * dead listener: the health check interval, how many failures mark a server down and how many successes bring it
 * back, whether a downed server's sessions are cut, the balancing algorithm and the SRV name the servers come
 * from. {@code Hl7ReachabilityIT} runs its balancer with exactly these values.
 */
public record BalancerSettings(Duration interval, int fall, int rise, boolean shutdownSessionsOnDown,
        String balance, String srvName) {

    private static final Pattern DEFAULT_SERVER = Pattern.compile("^\\s*default-server\\s+(.*)$", Pattern.MULTILINE);
    private static final Pattern BALANCE = Pattern.compile("^\\s*balance\\s+(\\S+)", Pattern.MULTILINE);
    private static final Pattern TEMPLATE = Pattern.compile("^\\s*server-template\\s+\\S+\\s+\\d+\\s+(\\S+)",
            Pattern.MULTILINE);

    public static BalancerSettings parse(String haproxyCfg) {
        Matcher server = DEFAULT_SERVER.matcher(haproxyCfg);
        if (!server.find()) {
            throw new IllegalArgumentException("no default-server line");
        }
        String options = " " + server.group(1) + " ";
        if (!options.contains(" check ")) {
            throw new IllegalArgumentException("servers are not health-checked: " + server.group(1));
        }
        Matcher balance = BALANCE.matcher(haproxyCfg);
        Matcher template = TEMPLATE.matcher(haproxyCfg);
        return new BalancerSettings(duration(word(options, "inter")), Integer.parseInt(word(options, "fall")),
                Integer.parseInt(word(options, "rise")), options.contains(" on-marked-down shutdown-sessions "),
                balance.find() ? balance.group(1) : "roundrobin", template.find() ? template.group(1) : null);
    }

    private static String word(String options, String key) {
        Matcher m = Pattern.compile("\\s" + key + "\\s+(\\S+)").matcher(options);
        if (!m.find()) {
            throw new IllegalArgumentException("no " + key + " in: " + options.trim());
        }
        return m.group(1);
    }

    private static Duration duration(String value) {
        if (value.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
        }
        if (value.endsWith("s")) {
            return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
        }
        return Duration.ofMillis(Long.parseLong(value));
    }
}
