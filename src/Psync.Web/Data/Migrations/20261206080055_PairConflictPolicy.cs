using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Psync.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class PairConflictPolicy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Conflicts",
                table: "Pairs",
                type: "TEXT",
                maxLength: 10,
                nullable: false,
                defaultValue: "Ask"); // existing pairs keep asking a person
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Conflicts",
                table: "Pairs");
        }
    }
}
