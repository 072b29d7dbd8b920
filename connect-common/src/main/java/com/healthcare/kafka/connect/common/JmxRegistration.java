package com.healthcare.kafka.connect.common;

import java.lang.management.ManagementFactory;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers a plugin's own MBean (Debezium-style metrics) and unregisters it on close. Our own MBeans rather
 * than Connect's plugin metrics API, so the plugins also run on workers older than Kafka 3.7.
 */
public final class JmxRegistration implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JmxRegistration.class);

    private final ObjectName name;
    private final MBeanServer server;

    private JmxRegistration(ObjectName name, MBeanServer server) {
        this.name = name;
        this.server = server;
    }

    /**
     * Registers {@code mbean} as {@code domain:type=<type>,connector=<connector>,task=<task>}. A stale bean
     * of the same name (a task restarted in the same JVM) is replaced. Failure is logged, never fatal.
     */
    public static JmxRegistration register(String domain, String type, String connector, int task, Object mbean) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            ObjectName name = new ObjectName(domain + ":type=" + type
                    + ",connector=" + ObjectName.quote(connector == null ? "unknown" : connector)
                    + ",task=" + task);
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
            server.registerMBean(mbean, name);
            return new JmxRegistration(name, server);
        } catch (JMException e) {
            LOG.warn("Cannot register metrics MBean for connector {} task {}: {}", connector, task, e.toString());
            return new JmxRegistration(null, server);
        }
    }

    public ObjectName name() {
        return name;
    }

    @Override
    public void close() {
        if (name == null) {
            return;
        }
        try {
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
        } catch (JMException e) {
            LOG.debug("Cannot unregister {}: {}", name, e.toString());
        }
    }
}
