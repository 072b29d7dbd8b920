package com.healthcare.kafka.connect.fhirserver;

import java.util.Properties;

import javax.sql.DataSource;

import org.apache.commons.dbcp2.BasicDataSource;
import org.hl7.fhir.dstu2.model.Subscription.SubscriptionChannelType;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.binary.api.IBinaryStorageSvc;
import ca.uhn.fhir.jpa.binstore.MemoryBinaryStorageSvcImpl;
import ca.uhn.fhir.jpa.config.HapiJpaConfig;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.config.SubscriptionSettings;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirH2Dialect;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import ca.uhn.fhir.jpa.subscription.match.config.SubscriptionProcessorConfig;
import ca.uhn.fhir.jpa.subscription.match.deliver.email.IEmailSender;
import ca.uhn.fhir.jpa.subscription.submit.config.SubscriptionSubmitterConfig;
import jakarta.persistence.EntityManagerFactory;

/**
 * The smallest Spring setup of HAPI FHIR JPA (R4) we found that serves the REST API with paging from the
 * database, history, transactions and in-process rest-hook subscription delivery: HAPI's own configuration
 * classes plus the few beans an application must provide (data source, entity manager, settings).
 */
@Configuration
@Import({JpaR4Config.class, HapiJpaConfig.class, JpaBatch2Config.class, Batch2JobsConfig.class,
        SubscriptionSubmitterConfig.class, SubscriptionProcessorConfig.class, SubscriptionChannelConfig.class,
        ThreadPoolFactoryConfig.class})
class JpaServerConfig {

    @Bean(destroyMethod = "close")
    public DataSource dataSource(JpaFhirServer.Options options) {
        BasicDataSource ds = new BasicDataSource();
        JpaFhirServer.Database database = options.database();
        if (database == null) {
            ds.setDriver(new org.h2.Driver());
            ds.setUsername("sa");
            ds.setPassword("");
        } else {
            // the driver registers itself with DriverManager from the class path
            ds.setUsername(database.user());
            ds.setPassword(database.password());
        }
        ds.setUrl(options.jdbcUrl());
        ds.setMaxTotal(10);
        return ds;
    }

    @Bean
    public LocalContainerEntityManagerFactoryBean entityManagerFactory(ConfigurableListableBeanFactory beanFactory,
            FhirContext fhirContext, JpaStorageSettings storageSettings, DataSource dataSource,
            JpaFhirServer.Options options) {
        LocalContainerEntityManagerFactoryBean factory =
                HapiEntityManagerFactoryUtil.newEntityManagerFactory(beanFactory, fhirContext, storageSettings);
        factory.setPersistenceUnitName("HAPI_PU");
        factory.setDataSource(dataSource);
        Properties jpa = new Properties();
        jpa.put("hibernate.dialect", options.database() == null ? HapiFhirH2Dialect.class.getName()
                : options.database().dialect());
        jpa.put("hibernate.hbm2ddl.auto", "update");
        jpa.put("hibernate.format_sql", "false");
        jpa.put("hibernate.show_sql", "false");
        jpa.put("hibernate.jdbc.batch_size", "20");
        jpa.put("hibernate.cache.use_query_cache", "false");
        jpa.put("hibernate.cache.use_second_level_cache", "false");
        jpa.put("hibernate.search.enabled", "false");
        factory.setJpaProperties(jpa);
        return factory;
    }

    @Bean
    @Primary
    public JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
        return new JpaTransactionManager(entityManagerFactory);
    }

    @Bean
    public JpaStorageSettings storageSettings() {
        JpaStorageSettings settings = new JpaStorageSettings();
        // clients (our sink, Hl7ToFhir's Bundles) assign ids such as "p1-0": allowed by the default strategy;
        // a conditional create or update on an identifier must find what an earlier write created
        settings.setAllowMultipleDelete(true);
        settings.setDeleteExpungeEnabled(true);
        settings.setExpungeEnabled(true);
        // no cached search results across requests: a poll must see what was written a moment ago
        settings.setReuseCachedSearchResultsForMillis(null);
        // Bulk Data $export runs as a Batch2 job: without fast tracking each step waits for the next maintenance
        // pass (about a minute), so a tiny export takes minutes
        settings.setJobFastTrackingEnabled(true);
        return settings;
    }

    @Bean
    public SubscriptionSettings subscriptionSettings() {
        SubscriptionSettings settings = new SubscriptionSettings();
        settings.addSupportedSubscriptionType(SubscriptionChannelType.RESTHOOK);
        // tests and the sandbox point rest-hooks at loopback
        settings.setRestHookEndpointUrlValidationRegex(null);
        return settings;
    }

    /** Only rest-hook channels are enabled; an email channel fails loudly instead of pretending to send. */
    @Bean
    public IEmailSender emailSender() {
        return details -> {
            throw new UnsupportedOperationException("email subscriptions are not enabled on this test server");
        };
    }

    @Bean
    public PartitionSettings partitionSettings() {
        return new PartitionSettings();
    }

    @Bean
    public IBinaryStorageSvc binaryStorage() {
        return new MemoryBinaryStorageSvcImpl();
    }
}
