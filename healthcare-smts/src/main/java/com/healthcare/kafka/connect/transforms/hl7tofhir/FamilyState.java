package com.healthcare.kafka.connect.transforms.hl7tofhir;

import java.util.ArrayList;
import java.util.List;

import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Segment;

/**
 * Per-message state of the mappers for the families beyond ADT/ORU/ORM/OML/VXU/SIU/MDM/RDE (problems, referrals,
 * diets), kept apart from {@link BundleContext}'s order state.
 */
final class FamilyState {

    /** The Condition of the current PRB: the OBX that follow are its evidence. */
    Entry problem;
    /** The referral ServiceRequest, once mapped. */
    Entry referral;
    /** The NutritionOrder of the current ORC group (OMD): every ODS of the group adds to it. */
    Entry nutritionOrder;
    /** REF/RRI put RF1 and PRD before the PID: mapped at the end of the message. */
    V2Segment pendingRf1;
    final List<V2Segment> pendingPrd = new ArrayList<>();

    /** A new order group (ORC/OBR) closes the problem and diet groups. */
    void newOrder() {
        problem = null;
        nutritionOrder = null;
    }
}
