package com.healthcare.kafka.connect.it.fhir.server;

import java.time.Instant;
import java.util.AbstractList;
import java.util.Date;
import java.util.List;
import java.util.function.Predicate;

import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Resource;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.model.valueset.BundleEntryTransactionMethodEnum;
import ca.uhn.fhir.rest.annotation.Count;
import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.Delete;
import ca.uhn.fhir.rest.annotation.History;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Since;
import ca.uhn.fhir.rest.annotation.Sort;
import ca.uhn.fhir.rest.annotation.Update;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.SortOrderEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;

/**
 * A HAPI plain-server resource provider over {@link ResourceStore} for one resource type: search with
 * {@code _lastUpdated}, {@code _sort=_lastUpdated}, {@code _count} (paged by the server's paging provider),
 * {@code status} and {@code _tag}; type-level {@code _history} with {@code _since} (deletes as DELETE entries);
 * read, create, update and delete.
 */
public final class StoreResourceProvider implements IResourceProvider {

    private final Class<? extends Resource> type;
    private final String typeName;
    private final ResourceStore store;
    private final FhirContext ctx;

    public StoreResourceProvider(Class<? extends Resource> type, ResourceStore store, FhirContext ctx) {
        this.type = type;
        this.typeName = ctx.getResourceType(type);
        this.store = store;
        this.ctx = ctx;
    }

    @Override
    public Class<? extends IBaseResource> getResourceType() {
        return type;
    }

    @Search(allowUnknownParams = true)
    public IBundleProvider search(@OptionalParam(name = "_lastUpdated") DateRangeParam lastUpdated,
                                  @OptionalParam(name = "status") TokenParam status,
                                  @OptionalParam(name = "_tag") TokenParam tag,
                                  @Sort SortSpec sort, @Count Integer count) {
        if (sort != null && !("_lastUpdated".equals(sort.getParamName()) && sort.getOrder() != SortOrderEnum.DESC)) {
            throw new InvalidRequestException("This test server sorts by _lastUpdated ascending only");
        }
        Instant lower = null;
        if (lastUpdated != null) {
            Date bound = lastUpdated.getLowerBoundAsInstant();
            lower = bound == null ? null : bound.toInstant();
        }
        Predicate<Resource> filter = r -> true;
        if (status != null) {
            filter = filter.and(r -> status.getValue().equals(
                    ctx.newTerser().getSinglePrimitiveValueOrNull(r, "status")));
        }
        if (tag != null) {
            filter = filter.and(r -> {
                for (Coding c : r.getMeta().getTag()) {
                    if ((tag.getSystem() == null || tag.getSystem().equals(c.getSystem()))
                            && tag.getValue().equals(c.getCode())) {
                        return true;
                    }
                }
                return false;
            });
        }
        return new PageProvider(copies(store.search(typeName, lower, filter), false));
    }

    @History
    public IBundleProvider history(@Since InstantType since, @Count Integer count) {
        List<ResourceStore.Version> versions = store.history(typeName, since == null ? null
                : since.getValue().toInstant());
        return new PageProvider(copies(versions, true));
    }

    @Read
    public Resource read(@IdParam IdType id) {
        ResourceStore.Version v = store.current(typeName, id.getIdPart());
        if (v == null) {
            throw new ResourceNotFoundException(id);
        }
        if (v.deleted()) {
            throw new ResourceGoneException(id);
        }
        return v.resource().copy();
    }

    @Create
    public MethodOutcome create(@ResourceParam IBaseResource resource) {
        Resource r = (Resource) resource;
        r.setId((String) null);
        ResourceStore.Version v = store.put(r);
        return new MethodOutcome(v.resource().getIdElement(), true).setResource(v.resource().copy());
    }

    @Update
    public MethodOutcome update(@IdParam IdType id, @ResourceParam IBaseResource resource) {
        Resource r = (Resource) resource;
        r.setId(id.getIdPart());
        ResourceStore.Version v = store.put(r);
        return new MethodOutcome(v.resource().getIdElement(), v.versionId() == 1).setResource(v.resource().copy());
    }

    @Delete
    public MethodOutcome delete(@IdParam IdType id) {
        store.delete(typeName, id.getIdPart());
        return new MethodOutcome();
    }

    /** A lazy list: each resource is copied only when its page is rendered. */
    private List<IBaseResource> copies(List<ResourceStore.Version> versions, boolean history) {
        return new AbstractList<>() {
            @Override
            public IBaseResource get(int index) {
                ResourceStore.Version v = versions.get(index);
                if (!v.deleted()) {
                    Resource copy = v.resource().copy();
                    if (!history) {
                        return copy;
                    }
                    ResourceMetadataKeyEnum.ENTRY_TRANSACTION_METHOD.put(copy, v.versionId() == 1
                            ? BundleEntryTransactionMethodEnum.POST : BundleEntryTransactionMethodEnum.PUT);
                    return copy;
                }
                try {
                    Resource tombstone = type.getDeclaredConstructor().newInstance();
                    tombstone.setId(new IdType(typeName, v.id(), String.valueOf(v.versionId())));
                    ResourceMetadataKeyEnum.ENTRY_TRANSACTION_METHOD.put(tombstone,
                            BundleEntryTransactionMethodEnum.DELETE);
                    return tombstone;
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public int size() {
                return versions.size();
            }
        };
    }

    /**
     * A result that copies only the page asked for. HAPI's SimpleBundleProvider makes the paging code walk the
     * whole list for every page, which with thousands of resources turns the test server into the bottleneck.
     */
    private static final class PageProvider implements IBundleProvider {
        private final List<IBaseResource> resources;
        private final InstantType published = InstantType.now();

        PageProvider(List<IBaseResource> resources) {
            this.resources = resources;
        }

        @Override
        public org.hl7.fhir.instance.model.api.IPrimitiveType<Date> getPublished() {
            return published;
        }

        @Override
        public List<IBaseResource> getResources(int fromIndex, int toIndex) {
            return new java.util.ArrayList<>(resources.subList(Math.min(fromIndex, resources.size()),
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
}
