"""Ticket wording for the go-live scenario: subjects, bodies and chatter lines.

Every issue has a kind (``defect``, ``training`` or ``policy``), an Odoo app and
the team that owns it. Slots: ``{doc}`` document reference, ``{amount}``,
``{customer}``, ``{product}``, ``{wh}`` warehouse, ``{n}`` a small number.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    key: str
    app: str
    kind: str
    team: str  # finance | sales | inventory | manufacturing
    subjects: tuple[str, ...]
    bodies: tuple[str, ...]


def _i(key: str, app: str, kind: str, team: str, subjects: list[str], bodies: list[str]) -> Issue:
    return Issue(key, app, kind, team, tuple(subjects), tuple(bodies))


ISSUES: tuple[Issue, ...] = (
    _i("vat_pdf", "Accounting", "defect", "finance", [
        "Invoice PDF shows wrong VAT total", "VAT amount on printed invoice does not match",
        "Tax total differs between screen and PDF", "Customer says our invoice VAT is wrong",
        "PDF invoice: 21% VAT line is off by a few cents", "Wrong tax total on {doc} printout",
        "Printed invoice VAT total incorrect again", "Invoice report rounds VAT per line?",
        "VAT on PDF != VAT in Odoo", "URGENT customer rejected invoice {doc} (VAT total)",
        "Invoice layout shows different tax amount", "Tax summary on PDF is wrong",
        "Wrong VAT on invoices sent today", "invoice vat total wrong when discount applied",
        "PDF shows {amount} VAT but journal item says otherwise"], [
        "<p>The invoice {doc} for {customer} shows a VAT total of {amount} EUR on the PDF, "
        "but the journal items say something different. The customer's AP team rejected it.</p>",
        "<p>When I print {doc} the tax summary at the bottom does not add up. On screen it is "
        "fine. It seems to happen when there is a line discount.</p>",
        "<p>Several customers called about the VAT total on today's invoices. Example: {doc}. "
        "Can you check before we send the next batch?</p>"]),
    _i("reconcile_bank", "Accounting", "training", "finance", [
        "How do I reconcile a bank line with two invoices?",
        "Bank reconciliation: cannot find the matching invoice",
        "Where is the reconcile button now?", "Partial payment reconciliation question"], [
        "<p>A payment from {customer} of {amount} covers two invoices. In the old system we "
        "ticked both. How do I do that in the bank reconciliation widget?</p>",
        "<p>I see the statement line but Odoo proposes the wrong invoice. How do I search "
        "for {doc} manually?</p>"]),
    _i("credit_note_authority", "Accounting", "policy", "finance", [
        "Who can approve credit notes above {amount} EUR?",
        "Refund authority for sales reps?", "Credit note approval threshold unclear"], [
        "<p>A sales rep created a credit note of {amount} EUR for {customer}. Are they allowed "
        "to validate it themselves or does finance need to approve above a threshold?</p>",
        "<p>The process document says managers approve refunds but does not give an amount. "
        "Odoo lets everybody confirm. What is the rule?</p>"]),
    _i("payment_terms", "Accounting", "defect", "finance", [
        "Due date on invoice ignores 30 days end of month",
        "Payment terms compute the wrong due date", "Invoice due date is the invoice date"], [
        "<p>{customer} has '30 days end of month' but {doc} shows a due date equal to the "
        "invoice date. Follow-up letters went out too early.</p>"]),
    _i("lock_date", "Accounting", "training", "finance", [
        "Cannot post entry: lock date error", "\"You cannot add/modify entries prior to lock "
        "date\"", "Why can't I post a bill dated last month?"], [
        "<p>I get a lock date message when posting the vendor bill {doc}. The bill is dated "
        "last month. What should I do?</p>"]),
    _i("fx_rate", "Accounting", "defect", "finance", [
        "USD invoices use yesterday's exchange rate", "Currency rate not updated automatically",
        "Exchange rate on {doc} is wrong"], [
        "<p>The automatic currency rate update did not run; {doc} was booked with the rate "
        "from two days ago. Difference is about {amount} USD.</p>"]),
    _i("price_list", "Sales", "policy", "sales", [
        "Which price list applies to distributors in the US?",
        "Two price lists match the customer, which one wins?",
        "Price list for {customer} unclear"], [
        "<p>{customer} is both a distributor and in the 'Key accounts' list. Odoo picks the "
        "key account prices but sales management says distributor prices should apply.</p>"]),
    _i("credit_hold", "Sales", "policy", "sales", [
        "Order blocked by credit limit but customer prepaid",
        "Can sales override credit hold?", "Credit limit warning on {doc}"], [
        "<p>{doc} for {customer} is blocked because of the credit limit, but they paid upfront "
        "by wire. Who can release the order, sales or finance?</p>"]),
    _i("quote_email", "Sales", "defect", "sales", [
        "Send by email on quotation fails", "Quotation email not received by customer",
        "Error when sending {doc} by email"], [
        "<p>When I click Send by Email on {doc} I get an error 'Mail delivery failed'. Other "
        "colleagues seem to have the same problem since this morning.</p>"]),
    _i("discount_field", "Sales", "training", "sales", [
        "How do I give a discount on one order line?", "Discount column is missing",
        "Where do I enter the customer discount?"], [
        "<p>I need to give {customer} 5% on one product. In the old system there was a "
        "discount column. I cannot find it on the order lines.</p>"]),
    _i("quote_state", "Sales", "training", "sales", [
        "Quotation stays in 'Quotation Sent' after signature",
        "Is my order confirmed or not?", "What does 'To Invoice' mean?"], [
        "<p>{customer} signed {doc} online but I still see it as a quotation. Did the "
        "order go through?</p>"]),
    _i("lead_assign", "CRM", "defect", "sales", [
        "New leads are not assigned to anyone", "Lead assignment rule stopped working",
        "Website leads land without salesperson"], [
        "<p>Since go-live all leads from the website form have no salesperson. The assignment "
        "rules are configured for the US team.</p>"]),
    _i("pipeline_view", "CRM", "training", "sales", [
        "How do I see only my opportunities?", "Pipeline shows colleagues' leads",
        "How to mark an opportunity as lost with a reason"], [
        "<p>My pipeline is full of opportunities from other people. How do I filter to mine "
        "and save that as default?</p>"]),
    _i("reserve_stock", "Inventory", "defect", "inventory", [
        "Delivery {doc} cannot be reserved although stock exists",
        "Check availability does nothing", "Stock shows {n} units but delivery waiting"], [
        "<p>{product} shows {n} units on hand in {wh} but {doc} stays in Waiting. Check "
        "Availability does not change anything.</p>"]),
    _i("backorder", "Inventory", "training", "inventory", [
        "What happens if I choose No Backorder?", "Partial delivery: backorder question",
        "Backorder created by mistake"], [
        "<p>We shipped part of {doc} and I clicked No Backorder by accident. Is the rest of the "
        "order lost now?</p>"]),
    _i("warehouse_choice", "Inventory", "policy", "inventory", [
        "Ship US orders from Brussels warehouse?", "Which warehouse should serve {customer}?",
        "Inter-company stock transfer rule unclear"], [
        "<p>{customer} ordered a product only in stock in {wh}. May we ship cross-border or "
        "should we wait for the local warehouse?</p>"]),
    _i("barcode_scan", "Inventory", "defect", "inventory", [
        "Barcode scanner app freezes on receipts", "Scanning lot numbers gives an error",
        "Barcode: 'no product found' for known EAN"], [
        "<p>On the receipt {doc} every scan of a lot number shows an error. We had to "
        "receive {n} pallets manually.</p>"]),
    _i("landed_costs", "Purchase", "training", "inventory", [
        "How to add freight costs to a receipt?", "Landed costs not included in product cost",
        "Where do I book customs duties?"], [
        "<p>We received {doc} and the freight invoice came separately. How do I spread that "
        "cost over the products?</p>"]),
    _i("po_approval", "Purchase", "policy", "inventory", [
        "PO approval threshold: {amount} or per line?",
        "Do purchase orders under {amount} need manager approval?",
        "Second approval on RFQ unclear"], [
        "<p>The purchase policy says orders above {amount} need a second approval. Is that "
        "the total including tax? Odoo uses untaxed.</p>"]),
    _i("vendor_bill_match", "Purchase", "defect", "finance", [
        "Vendor bill not matching purchase order quantities",
        "Bill control policy gives wrong quantities", "3-way match flags received goods"], [
        "<p>{doc} was received in full but the bill says nothing to bill. Billing control is "
        "on received quantities.</p>"]),
    _i("mo_components", "Manufacturing", "defect", "manufacturing", [
        "Manufacturing order consumes wrong component quantity",
        "BoM quantities doubled on MO {doc}", "Components consumed twice"], [
        "<p>MO {doc} consumed {n} units of {product} while the BoM says half of that. Stock is "
        "now negative.</p>"]),
    _i("work_center", "Manufacturing", "training", "manufacturing", [
        "How do I start a work order on the tablet?",
        "Shop floor: cannot register production", "Work order timer not starting"], [
        "<p>Operators on line {n} do not know how to start a work order on the shop floor "
        "tablet. The button is greyed out.</p>"]),
    _i("scrap_policy", "Manufacturing", "policy", "manufacturing", [
        "Who can validate scrap above {n} units?", "Scrap approval rule missing",
        "Scrap location: write-off policy"], [
        "<p>A team lead scrapped {n} units of {product}. Is there an approval limit for scrap? "
        "Finance asks who authorised it.</p>"]),
    _i("mrp_planning", "Manufacturing", "defect", "manufacturing", [
        "Replenishment report suggests absurd quantities",
        "MRP creates duplicate MOs every night", "Reordering rule triggers twice"], [
        "<p>The night scheduler created {n} duplicate manufacturing orders for {product}. "
        "Planning is chaos this morning.</p>"]),
    _i("timesheet_entry", "Timesheets", "training", "finance", [
        "How do I log hours on a task?", "Timesheet grid missing projects",
        "Can I copy last week's timesheet?"], [
        "<p>I don't see my project in the timesheet grid. How do I add a line for it?</p>"]),
    _i("timesheet_validation", "Timesheets", "policy", "finance", [
        "Who validates consultant timesheets?", "Timesheet validation deadline unclear"], [
        "<p>Managers ask whether they must validate timesheets weekly or monthly before "
        "invoicing. The go-live guide does not say.</p>"]),
    _i("pos_closing", "Point of Sale", "defect", "sales", [
        "POS session cannot be closed: difference in cash",
        "Closing POS gives accounting error", "POS closing stuck on 'Closing...'"], [
        "<p>The shop POS session from yesterday cannot be closed. Error about an unbalanced "
        "entry of {amount} EUR.</p>"]),
    _i("pos_refund", "Point of Sale", "policy", "sales", [
        "Can cashiers refund without receipt?", "POS refund authority",
        "Refund to card or cash?"], [
        "<p>A customer returned {product} without receipt. Can the cashier refund in cash or "
        "only a manager?</p>"]),
    _i("access_rights", "Settings", "defect", "finance", [
        "Access error when opening customer invoices", "I lost access to the Sales menu",
        "\"You are not allowed to access\" on vendor bills"], [
        "<p>Since this morning I get an access error when opening {doc}. Yesterday it worked."
        "</p>"]),
    _i("report_export", "Settings", "training", "sales", [
        "How do I export the list to Excel?", "Export only selected fields",
        "Saving a favourite filter"], [
        "<p>I need the list of open orders in Excel for my manager. How do I export it with "
        "only customer, amount and date?</p>"]),
)

BURST_KEYS = ("vat_pdf", "reserve_stock", "quote_email")

CONSULTANT_REPLIES = {
    "defect": [
        "<p>Thanks for reporting. We can reproduce it and are analysing the cause.</p>",
        "<p>This is a known problem; a fix is being tested. Workaround: {workaround}.</p>",
        "<p>A fix was deployed this morning. Could you check {doc} again?</p>"],
    "training": [
        "<p>Good question! Here is how: {howto}. I added it to the FAQ as well.</p>",
        "<p>I sent you a short video showing the steps. Let me know if it works.</p>"],
    "policy": [
        "<p>We raised this with the process owner; you will get an answer after the decision "
        "meeting.</p>",
        "<p>The process owner confirmed the rule: {rule}. We will update the guide.</p>"],
}
WORKAROUNDS = ("print from the accounting view instead of the portal",
               "use Unreserve and then Check Availability", "send the document manually")
HOWTOS = ("open the line, click the optional column toggle and enable Discount",
          "use Filters > My records, then Save current search as default",
          "click Reconcile, search the partner and tick both lines")
RULES = ("finance approves above 5,000 EUR", "the local warehouse serves its own country",
         "only store managers refund without receipt")
NOTES = ("<p>Same root cause as the other tickets this morning; linking to the known issue.</p>",
         "<p>Asked the developer to check the tax rounding setting.</p>",
         "<p>Customer is a key account: keep them updated twice a day.</p>",
         "<p>Reassigning: this belongs to the inventory stream.</p>",
         "<p>Training gap; suggested for the next super-user session.</p>")
CUSTOMER_FOLLOWUPS = ("<p>Any news on this? We are blocked.</p>",
                      "<p>Here is a screenshot of the error.</p>",
                      "<p>It still happens on {doc}.</p>")
CUSTOMER_THANKS = ("<p>Works now, thank you!</p>", "<p>Thanks, that solved it.</p>")
REOPEN_LINES = ("<p>Sorry, it happens again since this morning.</p>",
                "<p>The fix did not work for the second document, {doc} still wrong.</p>")
PRODUCTS = ("Steel bracket M8", "Conveyor belt 2m", "Hydraulic pump HP-40", "Control panel CP3",
            "Safety gloves L", "Pallet wrap 500m", "Bearing 6204-2RS", "Motor 1.5kW")
WAREHOUSES = ("Brussels WH", "Antwerp WH", "Chicago WH", "Houston WH")
