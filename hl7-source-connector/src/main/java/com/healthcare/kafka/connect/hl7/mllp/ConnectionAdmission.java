package com.healthcare.kafka.connect.hl7.mllp;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which new connections the listener takes, beyond its total limit: an optional allow-list of address blocks and
 * a limit per source address, so one sender (or one attacker) cannot take every slot. Selector thread only.
 */
final class ConnectionAdmission {

    /** Why a connection was refused, or null when admitted. */
    enum Refusal {
        NOT_ALLOWED("its address is not in hl7.allowed.cidrs"),
        PER_ADDRESS("hl7.max.connections.per.address connections from this address are open");

        final String reason;

        Refusal(String reason) {
            this.reason = reason;
        }
    }

    private final List<Cidr> allowed;
    private final int maxPerAddress;
    private final Map<InetAddress, Integer> open = new HashMap<>();

    /**
     * @param allowed       address blocks that may connect; empty allows all
     * @param maxPerAddress open connections per source address; 0 for no limit
     */
    ConnectionAdmission(List<Cidr> allowed, int maxPerAddress) {
        this.allowed = List.copyOf(allowed);
        this.maxPerAddress = maxPerAddress;
    }

    /** Null and counts the connection when {@code address} may connect now; else why not. */
    Refusal admit(InetAddress address) {
        if (!allowed.isEmpty() && allowed.stream().noneMatch(c -> c.contains(address))) {
            return Refusal.NOT_ALLOWED;
        }
        int current = open.getOrDefault(address, 0);
        if (maxPerAddress > 0 && current >= maxPerAddress) {
            return Refusal.PER_ADDRESS;
        }
        open.put(address, current + 1);
        return null;
    }

    /** A connection admitted from {@code address} closed. */
    void closed(InetAddress address) {
        open.computeIfPresent(address, (k, n) -> n <= 1 ? null : n - 1);
    }
}
