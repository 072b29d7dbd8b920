package com.healthcare.kafka.connect.fhirserver;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.subscription.model.ResourceDeliveryMessage;

/**
 * Records each rest-hook delivery attempt HAPI's own subscription delivery makes, through HAPI's interceptor
 * pointcuts: what it sent where, and whether the endpoint accepted it. Listeners run on HAPI's delivery thread
 * right after the attempt, before HAPI moves on (a test can look at Kafka at that exact moment).
 */
@Interceptor
public final class DeliveryLog {

    /** One attempt: the resource ({@code Type/id/_history/v}), the endpoint, and its outcome. */
    public record Delivery(String resource, String endpoint, boolean delivered, String error, Instant at) {

        /** {@code Type/id} without the version. */
        public String resourceKey() {
            String[] parts = resource.split("/");
            return parts.length >= 2 ? parts[0] + "/" + parts[1] : resource;
        }
    }

    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final List<Consumer<Delivery>> listeners = new CopyOnWriteArrayList<>();

    public List<Delivery> all() {
        return new ArrayList<>(deliveries);
    }

    public void clear() {
        deliveries.clear();
    }

    public void addListener(Consumer<Delivery> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<Delivery> listener) {
        listeners.remove(listener);
    }

    @Hook(Pointcut.SUBSCRIPTION_AFTER_REST_HOOK_DELIVERY)
    public void delivered(ResourceDeliveryMessage message) {
        add(new Delivery(resource(message), message.getSubscription().getEndpointUrl(), true, null, Instant.now()));
    }

    @Hook(Pointcut.SUBSCRIPTION_AFTER_DELIVERY_FAILED)
    public boolean failed(ResourceDeliveryMessage message, Exception error) {
        add(new Delivery(resource(message), message.getSubscription().getEndpointUrl(), false,
                String.valueOf(error), Instant.now()));
        return true; // let HAPI handle the failure as it would (retry, then log)
    }

    private void add(Delivery delivery) {
        deliveries.add(delivery);
        for (Consumer<Delivery> listener : listeners) {
            listener.accept(delivery);
        }
    }

    private static String resource(ResourceDeliveryMessage message) {
        String id = message.getPayloadId();
        return id == null ? "(no payload)" : id.replaceFirst("^https?://[^ ]*?/(?=[A-Z][A-Za-z]+/)", "");
    }
}
