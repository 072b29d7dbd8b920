package com.healthcare.kafka.connect.benchmarks.fhir;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.InstantType;

import ca.uhn.fhir.rest.api.server.IBundleProvider;

/**
 * A search result over a fixed list that hands out only the requested page. HAPI's SimpleBundleProvider makes the
 * paging code copy the complete list for every page (quadratic in the result size), which would make the test
 * server, not the clients, the thing measured.
 */
final class ListBundleProvider implements IBundleProvider {

    private final List<? extends IBaseResource> resources;
    private final IPrimitiveType<Date> published = InstantType.now();

    ListBundleProvider(List<? extends IBaseResource> resources) {
        this.resources = resources;
    }

    @Override
    public IPrimitiveType<Date> getPublished() {
        return published;
    }

    @Override
    public List<IBaseResource> getResources(int fromIndex, int toIndex) {
        return new ArrayList<>(resources.subList(Math.min(fromIndex, resources.size()),
                Math.min(toIndex, resources.size())));
    }

    @Override
    public String getUuid() {
        return null;
    }

    @Override
    public Integer preferredPageSize() {
        return null;
    }

    @Override
    public Integer size() {
        return resources.size();
    }
}
